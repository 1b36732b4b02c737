using System.Diagnostics;
using Sieve.Tools.Collection;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Retrieval;

/// <summary>
/// Builds the real collection from the Debian packages (<c>sword-text-web</c>, <c>sword-dict-naves</c>,
/// <c>diatheke</c>). Where they are missing these tests fail, saying what to install: they never skip.
/// </summary>
public sealed class NaveWebCollectionIntegrationTests : IClassFixture<NaveWebCollectionIntegrationTests.RealBuild>
{
    private readonly RealBuild _real;

    public NaveWebCollectionIntegrationTests(RealBuild real) => _real = real;

    /// <summary>One build shared by the tests of this class (it takes a few seconds).</summary>
    public sealed class RealBuild : IDisposable
    {
        private readonly TempFolder _folder = new();

        public RealBuild()
        {
            var log = new StringWriter();
            Directory = _folder.File("nave-web");
            Summary = NaveWebCollection.Build(Directory, new NaveWebOptions(), log);
            Log = log.ToString();
            Collection = RetrievalCollection.Load(Directory);
        }

        internal CollectionSummary Summary { get; }

        internal RetrievalCollection Collection { get; }

        public string Log { get; }

        public string Directory { get; }

        public void Dispose() => _folder.Dispose();
    }

    [Fact]
    public void Build_RealPackages_IndexesTheCanonsVersesWithText()
    {
        // The WEB module's NRSVA versification has 31,104 canonical slots (KJV's 31,102 plus 3 John 1:15 and
        // Revelation 12:18). 9 are empty in the WEB: those two, Luke 17:36, Acts 8:37, 15:34, 24:7 (omitted, as
        // in modern critical texts) and Romans 16:25-27 (the WEB has them after Romans 14:23, in that slot).
        Assert.Equal(31_095, _real.Summary.Documents);
        Assert.Equal(9, _real.Summary.EmptyVerseSlots);
        Assert.Equal("Gen.1.1", _real.Collection.Documents[0].Id);
        Assert.Equal("Rev.22.21", _real.Collection.Documents[^1].Id);
        Assert.StartsWith("In the beginning, God created the heavens", _real.Collection.Documents[0].Text, StringComparison.Ordinal);
        Assert.Contains(_real.Collection.Documents, d => d.Id == "Dan.12.13");
        Assert.DoesNotContain(_real.Collection.Documents, d => d.Id.StartsWith("Tob.", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_RealPackages_JudgesNavesTopics()
    {
        Assert.Equal(5_322, _real.Summary.TopicEntries);
        Assert.Equal(649, _real.Summary.TopicsWithoutReferences);
        Assert.Equal(77_935, _real.Summary.References);
        Assert.Equal(4_671, _real.Summary.Queries); // 4,673 topics with references; SIN and REVERENCE appear twice.
        Assert.InRange(_real.Summary.ReferencesResolved, 77_850, 77_935);
        Assert.InRange(_real.Summary.Qrels, 180_000, 200_000);
        var aaron = Assert.Single(_real.Collection.Queries, q => q.Key == "AARON");
        Assert.Equal("Aaron", aaron.Text);
        Assert.Contains("Exod.6.20", _real.Collection.Qrels[aaron.Id].Keys);
        Assert.Contains("Exod.28.1", _real.Collection.Qrels[aaron.Id].Keys);
        Assert.Contains("Exod.28.43", _real.Collection.Qrels[aaron.Id].Keys); // From the whole-chapter reference Exod.28.
        Assert.Contains("Aaron", File.ReadAllText(Path.Combine(_real.Directory, RetrievalCollection.QueriesFile)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Gen.1.1", "Genesis 1:1")]
    [InlineData("Ps.3.1", "Psalms 3:1")]
    [InlineData("Dan.12.13", "Daniel 12:13")]
    [InlineData("Hos.1.1", "Hosea 1:1")]
    [InlineData("Matt.1.1", "Matthew 1:1")]
    [InlineData("3John.1.14", "III John 1:14")]
    [InlineData("Rev.22.21", "Revelation of John 22:21")]
    public void Build_RealPackages_VerseTextMatchesDiatheke(string id, string key)
    {
        var ours = _real.Collection.Documents.Single(d => d.Id == id).Text;

        var theirs = Diatheke(key);

        // diatheke's plain output glues words around footnotes and prints psalm titles: compare letters only,
        // and allow the title before the verse.
        Assert.EndsWith(Letters(ours), Letters(theirs), StringComparison.Ordinal);
    }

    private static string Letters(string text) => new([.. text.Where(char.IsLetter)]);

    private static string Diatheke(string key)
    {
        var start = new ProcessStartInfo("diatheke", ["-b", "engWEB2015eb", "-f", "plain", "-k", key]) { RedirectStandardOutput = true };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            throw new InvalidOperationException($"diatheke is not installed: {SwordModule.InstallHint}", error);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var body = output[..output.LastIndexOf("(engWEB2015eb)", StringComparison.Ordinal)];
            var colon = body.IndexOf(key + ":", StringComparison.Ordinal);
            Assert.True(colon >= 0, $"diatheke printed no {key}: {output}");
            return body[..colon] + body[(colon + key.Length + 1)..];
        }
    }
}
