using Sieve.Tools.Collection;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Retrieval;

/// <summary>The builder end to end, on a miniature SWORD library written by the test.</summary>
public class NaveWebCollectionTests
{
    private static (CollectionSummary Summary, RetrievalCollection Collection, string Log) Build(TempFolder folder, bool deuterocanon = false)
    {
        TinySwordLibrary.Write(folder.File("sword"));
        var log = new StringWriter();
        var summary = NaveWebCollection.Build(folder.File("out"),
            new NaveWebOptions { SwordPath = folder.File("sword"), IncludeDeuterocanon = deuterocanon }, log);
        return (summary, RetrievalCollection.Load(folder.File("out")), log.ToString());
    }

    [Fact]
    public void Build_TinyLibrary_WritesCanonVersesWithCleanText()
    {
        using var folder = new TempFolder();

        var (summary, collection, _) = Build(folder);

        Assert.Equal(["Gen.1.1", "Gen.1.2", "Gen.1.3", "Gen.2.1", "Gen.2.2", "Exod.1.1", "Exod.1.3", "Matt.1.1", "Matt.1.2"],
            collection.Documents.Select(d => d.Id));
        Assert.Equal("In the beginning, God created the heavens.", collection.Documents[0].Text);
        Assert.Equal("The book of the genealogy of Jesus Christ.", collection.Documents[7].Text);
        Assert.Equal(9, summary.Documents);
        Assert.Equal(1, summary.EmptyVerseSlots);
    }

    [Fact]
    public void Build_IncludeDeuterocanon_AddsTobit()
    {
        using var folder = new TempFolder();

        var (summary, collection, _) = Build(folder, deuterocanon: true);

        Assert.Contains(collection.Documents, d => d.Id == "Tob.1.1");
        Assert.Equal(11, summary.Documents);
    }

    [Fact]
    public void Build_TinyLibrary_ExpandsRangesAndMergesDuplicateTopics()
    {
        using var folder = new TempFolder();

        var (summary, collection, _) = Build(folder);

        Assert.Equal(["Aaron", "Creation", "Sin", "The Rest (of god)"], collection.Queries.Select(q => q.Text));
        Assert.Equal(["AARON", "CREATION", "SIN", "THE REST (of god)"], collection.Queries.Select(q => q.Key));
        Assert.Equal("nave-0001", collection.Queries[0].Id);
        Assert.Equal(["Gen.1.3", "Gen.2.1", "Exod.1.1", "Exod.1.3", "Matt.1.2"], collection.Qrels["nave-0001"].Keys);
        Assert.All(collection.Qrels["nave-0001"].Values, grade => Assert.Equal(1, grade));
        Assert.Equal(["Gen.1.1", "Gen.1.2", "Gen.1.3"], collection.Qrels["nave-0002"].Keys);
        Assert.Equal(["Gen.2.2", "Exod.1.3"], collection.Qrels["nave-0003"].Keys);
        Assert.Equal(1, summary.DuplicateTopicsMerged);
        Assert.Equal(1, summary.RepeatedPairs);
    }

    [Fact]
    public void Build_BadReferences_AreCountedByReasonNotDropped()
    {
        using var folder = new TempFolder();

        var (summary, _, log) = Build(folder);

        Assert.Equal(7, summary.TopicEntries);
        Assert.Equal(1, summary.TopicsWithoutReferences);
        Assert.Equal(1, summary.TopicsWithoutResolvedReferences);
        Assert.Equal(13, summary.References);
        Assert.Equal(8, summary.ReferencesResolved);
        Assert.Equal(1, summary.Unresolved["Malformed"].Count);
        Assert.Equal(1, summary.Unresolved["UnknownBook"].Count);
        Assert.Equal(1, summary.Unresolved["OutOfRange"].Count);
        Assert.Equal(1, summary.Unresolved["OutsideCorpus"].Count);
        Assert.Equal(["BROKEN: Exod.1.2"], summary.Unresolved["NoText"].Examples);
        Assert.Equal(1, summary.ReferencedVersesWithoutText);
        Assert.Equal(1, summary.UnmarkedReferences);
        Assert.Contains("Malformed: 1 (e.g. BROKEN: Gen.x)", log, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Always_WritesSummaryAndLeavesNoTemporaryFolders()
    {
        using var folder = new TempFolder();

        Build(folder);

        Assert.True(File.Exists(folder.File("out/summary.json")));
        Assert.Contains(CollectionSummary.FormatName, File.ReadAllText(folder.File("out/summary.json")), StringComparison.Ordinal);
        Assert.Equal(["out", "sword"], Directory.EnumerateFileSystemEntries(folder.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Build_OverEarlierCollection_ReplacesIt()
    {
        using var folder = new TempFolder();
        Build(folder);
        File.WriteAllText(folder.File("out/stale.txt"), "x");

        var (summary, _, _) = Build(folder);

        Assert.False(File.Exists(folder.File("out/stale.txt")));
        Assert.Equal(9, summary.Documents);
    }

    [Fact]
    public void Build_OverFolderThatIsNotACollection_RefusesAndKeepsIt()
    {
        using var folder = new TempFolder();
        TinySwordLibrary.Write(folder.File("sword"));
        folder.Write("out/precious.txt", "keep me");

        var error = Assert.Throws<SieveException>(() => NaveWebCollection.Build(folder.File("out"),
            new NaveWebOptions { SwordPath = folder.File("sword") }, TextWriter.Null));

        Assert.Contains("not a retrieval collection", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(folder.File("out/precious.txt")));
    }

    [Fact]
    public void Build_NoSwordLibrary_SaysWhichPackagesToInstall()
    {
        using var folder = new TempFolder();

        var error = Assert.Throws<SieveException>(() => NaveWebCollection.Build(folder.File("out"),
            new NaveWebOptions { SwordPath = folder.File("missing") }, TextWriter.Null));

        Assert.Contains("apt-get install sword-text-web sword-dict-naves", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.File("out")));
    }

    [Fact]
    public void Build_NaveModuleMissing_NamesTheModuleAndPackages()
    {
        using var folder = new TempFolder();
        TinySwordLibrary.Write(folder.File("sword"));
        File.Delete(folder.File("sword/mods.d/nave.conf"));

        var error = Assert.Throws<SieveException>(() => NaveWebCollection.Build(folder.File("out"),
            new NaveWebOptions { SwordPath = folder.File("sword") }, TextWriter.Null));

        Assert.Contains("Nave", error.Message, StringComparison.Ordinal);
        Assert.Contains("sword-dict-naves", error.Message, StringComparison.Ordinal);
    }
}
