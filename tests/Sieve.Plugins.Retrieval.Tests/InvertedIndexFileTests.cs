using Sieve.Abstractions;

namespace Sieve.Plugins.Retrieval.Tests;

public sealed class InvertedIndexFileTests : IDisposable
{
    private const string Origin = "minilm/lexical-head";
    private readonly TempFolder _folder = new();
    private readonly InvertedIndex _index = new(new InvertedIndexOptions { BlockSize = 16 });

    [Fact]
    public void Open_CompletedIndex_RoundTripsCountsOriginAndIds()
    {
        var path = _folder.File("index");
        using (var writer = _index.Create(path, Origin))
        {
            writer.Add("Genèse 1:1", new SparseVector([3, 7], [1f, 2f]));
            writer.Add("", new SparseVector([], []));
            writer.Add("日本 2:3", new SparseVector([7, 40], [4f, 0.5f]));
            writer.Complete();
        }

        using var reader = InvertedIndexReader.Open(path, Origin);
        var hits = reader.Search(new SparseVector([7], [1f]), 10);

        Assert.Equal(3, reader.DocumentCount);
        Assert.Equal(41, reader.VocabularySize);
        Assert.Equal(4, reader.PostingCount);
        Assert.Equal(new FileInfo(path).Length, reader.FileLength);
        Assert.Equal(Origin, reader.Origin);
        Assert.Equal(["日本 2:3", "Genèse 1:1"], hits.Select(h => h.Id));
        Assert.Equal(4f, hits[0].Score);
        Assert.InRange(hits[1].Score, 2f - 2f / 255, 2f + 2f / 255);
    }

    [Fact]
    public void Complete_NoDocuments_OpensEmpty()
    {
        var path = _folder.File("empty");
        using (var writer = _index.Create(path, Origin))
        {
            writer.Complete();
        }

        using var reader = _index.Open(path, Origin);

        Assert.Empty(reader.Search(new SparseVector([0], [1f]), 5));
    }

    [Fact]
    public void Complete_ExistingFile_ReplacesItAndLeavesNoTemporary()
    {
        var path = _folder.File("index");
        File.WriteAllText(path, "old");

        WriteSmall(path);

        using var reader = _index.Open(path, Origin);
        Assert.Equal(2, ((InvertedIndexReader)reader).DocumentCount);
        Assert.Equal(["index"], Directory.GetFiles(_folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Dispose_WithoutComplete_LeavesNoFile()
    {
        var path = _folder.File("index");
        using (var writer = _index.Create(path, Origin))
        {
            writer.Add("a", new SparseVector([1], [1f]));
        }

        Assert.Empty(Directory.GetFileSystemEntries(_folder.Path));
    }

    [Fact]
    public void Add_DuplicateId_ThrowsNamingTheId()
    {
        using var writer = _index.Create(_folder.File("index"), Origin);
        writer.Add("John 3:16", new SparseVector([1], [1f]));

        var error = Assert.Throws<ArgumentException>(() => writer.Add("John 3:16", new SparseVector([2], [1f])));

        Assert.Contains("'John 3:16'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Add_InvalidWeight_Throws(float weight)
    {
        using var writer = _index.Create(_folder.File("index"), Origin);

        Assert.Throws<ArgumentException>(() => writer.Add("a", new SparseVector([1], [weight])));
    }

    [Fact]
    public void Add_NegativeTerm_Throws()
    {
        using var writer = _index.Create(_folder.File("index"), Origin);

        Assert.Throws<ArgumentException>(() => writer.Add("a", new SparseVector([-1], [1f])));
    }

    [Fact]
    public void Create_MissingFolder_ThrowsDirectoryNotFound() =>
        Assert.Throws<DirectoryNotFoundException>(() => _index.Create(Path.Combine(_folder.Path, "missing", "index"), Origin));

    [Fact]
    public void Open_OtherOrigin_ThrowsNamingBoth()
    {
        var path = _folder.File("index");
        WriteSmall(path);

        var error = Assert.Throws<InvalidDataException>(() => _index.Open(path, "other-model/head"));

        Assert.Contains($"'{Origin}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'other-model/head'", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    [InlineData(0.3)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.999)]
    public void Open_Truncated_ThrowsInvalidData(double fraction)
    {
        var path = _folder.File("index");
        WriteSmall(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * fraction)]);

        var error = Assert.Throws<InvalidDataException>(() => _index.Open(path, Origin));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(30)]
    [InlineData(130)]
    [InlineData(200)]
    [InlineData(-40)]
    [InlineData(-1)]
    public void Open_FlippedByte_ThrowsInvalidData(int offset)
    {
        var path = _folder.File("index");
        WriteSmall(path);
        var bytes = File.ReadAllBytes(path);
        bytes[offset >= 0 ? offset : bytes.Length + offset] ^= 0x10;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => _index.Open(path, Origin));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_AppendedBytes_ThrowsInvalidData()
    {
        var path = _folder.File("index");
        WriteSmall(path);
        File.AppendAllText(path, "x");

        Assert.Throws<InvalidDataException>(() => _index.Open(path, Origin));
    }

    [Fact]
    public void Open_WrongMagic_ThrowsSayingSo()
    {
        var path = _folder.File("index");
        File.WriteAllText(path, "{ \"not\": \"an index, but long enough to hold a header of the index format, and more besides\" }");

        var error = Assert.Throws<InvalidDataException>(() => _index.Open(path, Origin));

        Assert.Contains("magic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_OtherVersion_ThrowsNamingTheVersion()
    {
        var path = _folder.File("index");
        WriteSmall(path);
        var bytes = File.ReadAllBytes(path);
        bytes[8] = 9;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => _index.Open(path, Origin));

        Assert.Contains("version 9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_EmptyFile_ThrowsInvalidData()
    {
        var path = _folder.File("index");
        File.WriteAllBytes(path, []);

        Assert.Throws<InvalidDataException>(() => _index.Open(path, Origin));
    }

    public void Dispose() => _folder.Dispose();

    private void WriteSmall(string path)
    {
        using var writer = _index.Create(path, Origin);
        writer.Add("Genesis 1:1", new SparseVector([3, 7, 11], [1f, 2f, 0.25f]));
        writer.Add("Genesis 1:2", new SparseVector([7, 40], [4f, 0.5f]));
        writer.Complete();
    }
}
