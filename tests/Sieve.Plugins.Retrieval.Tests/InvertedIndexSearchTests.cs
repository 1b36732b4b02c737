using Sieve.Abstractions;

namespace Sieve.Plugins.Retrieval.Tests;

public sealed class InvertedIndexSearchTests : IDisposable
{
    private const string Origin = "test-model/lexical-head";
    private readonly TempFolder _folder = new();

    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (var seed = 0; seed < 60; seed++)
        {
            seeds.Add(seed);
        }
        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Search_RandomCorpus_EqualsBruteForceOverQuantizedImpacts(int seed)
    {
        var random = new Random(seed);
        var vocabulary = random.Next(1, 400);
        var documents = (seed % 6) switch { 0 => 0, 1 => 1, 2 => random.Next(2, 20), _ => random.Next(20, 3000) };
        var corpus = RandomCorpus.Create(random, vocabulary, documents, termsPerDocument: random.Next(1, 40));
        var options = new InvertedIndexOptions { BlockSize = new[] { 8, 13, 64, 128 }[random.Next(4)] };
        var path = _folder.File($"index-{seed}");
        corpus.Write(new InvertedIndex(options), path, Origin);

        using var reader = InvertedIndexReader.Open(path, Origin);
        for (var q = 0; q < 12; q++)
        {
            // Terms up to twice the vocabulary: some are unknown to the index.
            var query = RandomCorpus.Vector(random, 2 * vocabulary, random.Next(0, 30), coarse: random.Next(3) == 0, allowNegative: q % 4 == 3);
            var k = new[] { 0, 1, 3, 10, 100, documents, documents + 7 }[random.Next(7)];

            var expected = corpus.BruteForce(query, k);

            Assert.Equal(expected, reader.Search(query, k));
            Assert.Equal(expected, reader.Search(query, k, windowSize: 64 * random.Next(1, 5)));
            Assert.Equal(expected, reader.SearchExhaustive(query, k));
        }
    }

    [Fact]
    public void Search_BlockSpanningOver65536Documents_UsesWideOffsetsAndFindsThem()
    {
        // Term 0 sits in documents 0, 40 000 and 99 999: one block whose offsets need 4 bytes.
        var path = _folder.File("wide");
        using (var writer = new InvertedIndex(new InvertedIndexOptions { BlockSize = 8 }).Create(path, Origin))
        {
            for (var d = 0; d < 100_000; d++)
            {
                var rare = d is 0 or 40_000 or 99_999;
                writer.Add($"d{d}", rare ? new SparseVector([0, 1], [d == 0 ? 1f : d == 40_000 ? 2f : 3f, 1f]) : new SparseVector([1], [(d % 7) + 1f]));
            }
            writer.Complete();
        }
        using var reader = InvertedIndexReader.Open(path, Origin);
        var query = new SparseVector([0, 1], [1f, 0.001f]);

        var hits = reader.Search(query, 3);

        Assert.Equal(["d99999", "d40000", "d0"], hits.Select(h => h.Id));
        Assert.Equal(reader.SearchExhaustive(query, 50), reader.Search(query, 50));
    }

    [Fact]
    public void Search_EmptyQuery_ReturnsEmpty()
    {
        using var reader = Build(out _);

        Assert.Empty(reader.Search(new SparseVector([], []), 10));
    }

    [Fact]
    public void Search_OnlyUnknownOrZeroWeightTerms_ReturnsEmpty()
    {
        using var reader = Build(out _);

        Assert.Empty(reader.Search(new SparseVector([-3, 5_000, 1_000_000], [1f, 2f, 3f]), 10));
        Assert.Empty(reader.Search(new SparseVector([0, 1, 2], [0f, 0f, 0f]), 10));
    }

    [Fact]
    public void Search_SingleTerm_ReturnsDequantizedWeightsWithinHalfAStep()
    {
        using var reader = Build(out var corpus);
        var term = corpus.Documents[0].Vector.Terms[0];
        var weights = corpus.Documents.Select(d => (d.Id, Index: d.Vector.Terms.BinarySearch(term), d.Vector))
            .Where(d => d.Index >= 0).ToDictionary(d => d.Id, d => d.Vector.Weights[d.Index]);
        var step = weights.Values.Max() / 255;

        var hits = reader.Search(new SparseVector([term], [1f]), corpus.Documents.Count);

        Assert.NotEmpty(hits);
        Assert.All(hits, hit => Assert.InRange(hit.Score, weights[hit.Id] - step / 2 - 1e-6f, weights[hit.Id] + step / 2 + 1e-6f));
    }

    [Fact]
    public void Search_ConcurrentQueries_GiveTheSequentialResults()
    {
        using var reader = Build(out var corpus);
        var random = new Random(7);
        var queries = Enumerable.Range(0, 64).Select(_ => RandomCorpus.Vector(random, corpus.Vocabulary, 12, coarse: false)).ToArray();
        var expected = queries.Select(q => reader.Search(q, 10)).ToArray();
        var actual = new IReadOnlyList<SearchHit>[queries.Length * 8];

        Parallel.For(0, actual.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = reader.Search(queries[i % queries.Length], 10));

        for (var i = 0; i < actual.Length; i++)
        {
            Assert.Equal(expected[i % queries.Length], actual[i]);
        }
    }

    [Fact]
    public void Search_NegativeK_Throws()
    {
        using var reader = Build(out _);

        Assert.Throws<ArgumentOutOfRangeException>(() => reader.Search(new SparseVector([1], [1f]), -1));
    }

    [Fact]
    public void Search_NonFiniteQueryWeight_Throws()
    {
        using var reader = Build(out _);

        Assert.Throws<ArgumentException>(() => reader.Search(new SparseVector([1], [float.NaN]), 3));
    }

    [Fact]
    public void Search_AfterDispose_ThrowsObjectDisposed()
    {
        var reader = Build(out _);
        reader.Dispose();

        Assert.Throws<ObjectDisposedException>(() => reader.Search(new SparseVector([1], [1f]), 3));
    }

    public void Dispose() => _folder.Dispose();

    private InvertedIndexReader Build(out RandomCorpus corpus)
    {
        corpus = RandomCorpus.Create(new Random(42), vocabulary: 500, documents: 1500, termsPerDocument: 30);
        var path = _folder.File("index");
        corpus.Write(new InvertedIndex(new InvertedIndexOptions()), path, Origin);
        return InvertedIndexReader.Open(path, Origin);
    }
}
