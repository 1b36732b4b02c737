using System.Buffers.Binary;
using Sieve.Abstractions;
using Sieve.Host.Operators.SparseIndex;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Operators.SparseIndex;

/// <summary>Open refuses every damaged or foreign file with an <see cref="InvalidDataException"/> that says why.</summary>
public sealed class ExactSparseIndexFileTests : IDisposable
{
    private const string Origin = "minilm-3f2a/vocab-91c0/lexical-head/dense";

    private readonly TempFolder _folder = new();
    private readonly ExactSparseIndex _index = new();
    private readonly string _path;

    public ExactSparseIndexFileTests()
    {
        _path = _folder.File("index.exact");
        using var writer = _index.Create(_path, Origin);
        writer.Add("a", new SparseVector([1, 5], [1f, 2f]));
        writer.Add("b", new SparseVector([5, 9], [3f, 0.25f]));
        writer.Complete();
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Open_WrongOrigin_NamesBoth()
    {
        var error = Assert.Throws<InvalidDataException>(() => _index.Open(_path, "another-model/lexical-head/fused"));

        Assert.Contains($"'{Origin}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'another-model/lexical-head/fused'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(-1)]
    public void Open_Truncated_Refuses(int length)
    {
        var bytes = File.ReadAllBytes(_path);
        File.WriteAllBytes(_path, bytes[..(length < 0 ? bytes.Length + length : length)]);

        var error = Assert.Throws<InvalidDataException>(() => _index.Open(_path, Origin));

        Assert.Contains(length is >= 8 or < 0 ? "truncated" : "wrong magic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_BytesAppended_Refuses()
    {
        File.AppendAllText(_path, "x");

        var error = Assert.Throws<InvalidDataException>(() => _index.Open(_path, Origin));

        Assert.Contains("1 bytes past", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(12)]  // the document count
    [InlineData(70)]  // inside the origin
    [InlineData(-5)]  // inside the last weight
    public void Open_FlippedByte_FailsTheChecksum(int offset)
    {
        var bytes = File.ReadAllBytes(_path);
        bytes[offset < 0 ? bytes.Length + offset : offset] ^= 0x10;
        File.WriteAllBytes(_path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => _index.Open(_path, Origin));

        Assert.Contains("checksum mismatch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_OtherFormatVersion_NamesIt()
    {
        var bytes = File.ReadAllBytes(_path);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), 2);
        File.WriteAllBytes(_path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => _index.Open(_path, Origin));

        Assert.Contains("format version 2; this build reads version 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_AnotherFormat_SaysSo()
    {
        File.WriteAllText(_path, "{\"not\": \"an index\"}");

        var error = Assert.Throws<InvalidDataException>(() => _index.Open(_path, Origin));

        Assert.Contains("not a Sieve exact index", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_DocumentRunsPastTheEnd_RefusesEvenWithAValidChecksum()
    {
        // A writer bug rather than damage: a term count larger than the file, checksum recomputed.
        var bytes = File.ReadAllBytes(_path);
        var countOffset = ExactIndexFormat.HeaderSize + Origin.Length + sizeof(int) + 1;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(countOffset), 1000);
        ExactIndexFormat.Checksum(bytes).CopyTo(bytes, ExactIndexFormat.ChecksumOffset);
        File.WriteAllBytes(_path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => _index.Open(_path, Origin));

        Assert.Contains("document 0 runs past the end of the file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_Missing_ThrowsFileNotFoundException() =>
        Assert.Throws<FileNotFoundException>(() => _index.Open(_folder.File("absent.exact"), Origin));
}
