using Sieve.Tools.Collection;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Retrieval;

public class ZTextReaderTests
{
    [Fact]
    public void ReadAll_TwoBooks_MapsSlotsToVersesAndSkipsHeadings()
    {
        using var folder = new TempFolder();
        SwordFixture.WriteZText(folder.Path, "ot",
        [
            ("Gen", "Gen intro", [["g1", "g2"], ["g3"]]),
            ("Exod", "Exod intro", [["e1", "", "e3"]]),
        ]);

        var verses = ZTextReader.ReadAll(folder.Path);

        Assert.Equal(["Gen.1.1", "Gen.1.2", "Gen.2.1", "Exod.1.1", "Exod.1.2", "Exod.1.3"], verses.Select(v => v.Id));
        Assert.Equal(["g1", "g2", "g3", "e1", "", "e3"], verses.Select(v => v.Markup));
    }

    [Fact]
    public void ReadAll_BookHeadingWithSeveralChapterStarts_IsNotTakenForAChapter()
    {
        // The WEB files Greek Daniel (chapters DanGr.1…) into Hosea's book heading.
        using var folder = new TempFolder();
        SwordFixture.WriteZText(folder.Path, "ot",
        [
            ("Dan", "", [["d1", "d2"]]),
            ("Hos", "<chapter osisID=\"DanGr.1\" sID=\"x\"/>a<chapter osisID=\"DanGr.2\" sID=\"y\"/>b", [["h1"]]),
        ]);

        var verses = ZTextReader.ReadAll(folder.Path);

        Assert.Equal(["Dan.1.1", "Dan.1.2", "Hos.1.1"], verses.Select(v => v.Id));
    }

    [Fact]
    public void ReadAll_NoTestamentFiles_ThrowsSieveException()
    {
        using var folder = new TempFolder();

        Assert.Throws<SieveException>(() => ZTextReader.ReadAll(folder.Path));
    }
}
