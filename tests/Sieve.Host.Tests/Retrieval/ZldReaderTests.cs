using Sieve.Tools.Collection;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Retrieval;

public class ZldReaderTests
{
    [Fact]
    public void ReadAll_EntriesAcrossBlocks_ReturnsKeysAndTextsInIndexOrder()
    {
        using var folder = new TempFolder();
        var prefix = folder.File("dict/dict");
        SwordFixture.WriteZld(prefix, [("ALPHA", "first ü"), ("BETA", "second"), ("GAMMA", "third"), ("DELTA", "fourth")], perBlock: 3);

        var entries = ZldReader.ReadAll(prefix);

        Assert.Equal(["ALPHA", "BETA", "GAMMA", "DELTA"], entries.Select(e => e.Key));
        Assert.Equal(["first ü", "second", "third", "fourth"], entries.Select(e => e.Text));
    }

    [Fact]
    public void ReadAll_LinkEntry_TakesTheTargetsText()
    {
        using var folder = new TempFolder();
        var prefix = folder.File("dict/dict");
        SwordFixture.WriteZld(prefix, [("ASS", "@LINKDONKEY"), ("DONKEY", "a beast")]);

        var entries = ZldReader.ReadAll(prefix);

        Assert.Equal(new ZldEntry("ASS", "a beast"), entries[0]);
    }

    [Fact]
    public void ReadAll_TruncatedBlockFile_ThrowsNamingTheFile()
    {
        using var folder = new TempFolder();
        var prefix = folder.File("dict/dict");
        SwordFixture.WriteZld(prefix, [("ALPHA", "first"), ("BETA", "second")]);
        File.WriteAllBytes(prefix + ".zdt", File.ReadAllBytes(prefix + ".zdt")[..5]);

        var error = Assert.Throws<SieveException>(() => ZldReader.ReadAll(prefix));

        Assert.Contains("dict.zdt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadAll_MissingFiles_ThrowsSieveException()
    {
        using var folder = new TempFolder();

        var error = Assert.Throws<SieveException>(() => ZldReader.ReadAll(folder.File("none/none")));

        Assert.Contains("none.idx", error.Message, StringComparison.Ordinal);
    }
}
