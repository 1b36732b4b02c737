using Sieve.Abstractions;
using Sieve.Host.Operators;
using Sieve.Host.Operators.SparseIndex;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Operators.SparseIndex;

public sealed class ExactSparseIndexTests : IDisposable
{
    private const string Origin = "minilm/lexical-head";

    private readonly TempFolder _folder = new();
    private readonly ExactSparseIndex _index = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>(documents, vocabulary, terms per document at most, k): odd sizes, k above and below the matches.</summary>
    public static TheoryData<int, int, int, int> Shapes => new()
    {
        { 1, 7, 3, 1 },
        { 7, 1, 1, 5 },
        { 193, 61, 9, 7 },
        { 1000, 301, 17, 10 },
        { 257, 33, 5, 1000 },
    };

    [Fact]
    public void Complete_ThenOpen_RoundTripsIdsAndWeights()
    {
        var path = _folder.File("index.exact");
        using (var writer = _index.Create(path, Origin))
        {
            writer.Add("a", new SparseVector([1, 5], [1f, 2f]));
            writer.Add("b", new SparseVector([5, 9], [3f, 0.25f]));
            writer.Add("empty", new SparseVector([], []));
            writer.Add("ünïcode ✓", new SparseVector([0, 9], [0.5f, 4f]));
            writer.Complete();
        }

        using var reader = _index.Open(path, Origin);
        var hits = reader.Search(new SparseVector([5, 9], [1f, 2f]), 10);

        Assert.Equal([new SearchHit("ünïcode ✓", 8f), new SearchHit("b", 3.5f), new SearchHit("a", 2f)], hits);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Search_RandomSparseData_MatchesNaiveTopK(int documents, int vocabulary, int terms, int k)
    {
        var corpus = SparseCorpus.Documents(documents, vocabulary, terms, [0.25f, 0.5f, 1f, 1.75f, 3f], seed: documents + vocabulary);
        using var reader = Build(corpus);
        var random = new Random(k);

        for (var q = 0; q < 20; q++)
        {
            var query = SparseCorpus.Vector(random, vocabulary, 1 + random.Next(6), [0.5f, 1f, 2f, -1f, 0f]);

            var actual = reader.Search(query, k);

            Assert.Equal(SparseCorpus.NaiveTopK(corpus, query, k), actual);
        }
    }

    [Fact]
    public void Search_TiedScores_DocumentAddedFirstWins()
    {
        using var reader = Build([("z", new SparseVector([3], [1f])), ("a", new SparseVector([3], [1f])), ("m", new SparseVector([3], [2f]))]);

        var hits = reader.Search(new SparseVector([3], [1f]), 2);

        Assert.Equal(["m", "z"], hits.Select(h => h.Id));
    }

    [Fact]
    public void Search_NoSharedTerm_ReturnsNothing()
    {
        using var reader = Build([("a", new SparseVector([1], [1f]))]);

        Assert.Empty(reader.Search(new SparseVector([2], [1f]), 5));
        Assert.Empty(reader.Search(new SparseVector([1], [1f]), 0));
    }

    [Fact]
    public void Search_NonFiniteQueryWeight_ThrowsArgumentException()
    {
        using var reader = Build([("a", new SparseVector([1], [1f]))]);

        Assert.Throws<ArgumentException>(() => reader.Search(new SparseVector([1], [float.NaN]), 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.Search(new SparseVector([1], [1f]), -1));
    }

    [Fact]
    public void Add_DuplicateId_ThrowsArgumentException()
    {
        using var writer = _index.Create(_folder.File("index.exact"), Origin);
        writer.Add("a", new SparseVector([1], [1f]));

        var error = Assert.Throws<ArgumentException>(() => writer.Add("a", new SparseVector([2], [1f])));

        Assert.Contains("'a' was already added", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_NonFiniteWeight_ThrowsArgumentException()
    {
        using var writer = _index.Create(_folder.File("index.exact"), Origin);

        Assert.Throws<ArgumentException>(() => writer.Add("a", new SparseVector([1], [float.PositiveInfinity])));
    }

    [Fact]
    public void Create_MissingFolder_ThrowsDirectoryNotFoundException() =>
        Assert.Throws<DirectoryNotFoundException>(() => _index.Create(_folder.File("missing/index.exact"), Origin));

    [Fact]
    public void Writer_BeforeComplete_NothingIsVisible()
    {
        var path = _folder.File("index.exact");
        using (var writer = _index.Create(path, Origin))
        {
            writer.Add("a", new SparseVector([1], [1f]));
            Assert.Empty(Directory.GetFileSystemEntries(_folder.Path));
        }

        // Disposed without Complete: still nothing, no temporary file left behind.
        Assert.Empty(Directory.GetFileSystemEntries(_folder.Path));
    }

    [Fact]
    public void Complete_OverAnOldIndex_ReplacesItWhole()
    {
        var path = _folder.File("index.exact");
        using var old = Build([("old", new SparseVector([1], [1f]))], path);

        using var replaced = Build([("new", new SparseVector([1], [1f]))], path);

        Assert.Equal(["new"], replaced.Search(new SparseVector([1], [1f]), 5).Select(h => h.Id));
        Assert.Equal([Path.GetFileName(path)], Directory.GetFileSystemEntries(_folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Reader_AfterDispose_ThrowsObjectDisposedException()
    {
        var reader = Build([("a", new SparseVector([1], [1f]))]);
        reader.Dispose();

        Assert.Throws<ObjectDisposedException>(() => reader.Search(new SparseVector([1], [1f]), 1));
    }

    [Fact]
    public void BuiltIns_RegisterExactAsTheSparseIndexReference()
    {
        var exact = Assert.Single(OperatorRegistry.BuiltIns(), i => i.Slot.Name == "sparse-index");

        Assert.Equal("exact", exact.Name);
        Assert.Equal(exact.Slot.Reference, exact.Name);
        Assert.IsType<ExactSparseIndex>(exact.Create(new Slots.NoOptions(), EmptyServices.Instance));
    }

    private ISparseIndexReader Build((string Id, SparseVector Vector)[] documents, string? path = null)
    {
        path ??= _folder.File("index.exact");
        using (var writer = _index.Create(path, Origin))
        {
            foreach (var (id, vector) in documents)
            {
                writer.Add(id, vector);
            }
            writer.Complete();
        }
        return _index.Open(path, Origin);
    }
}
