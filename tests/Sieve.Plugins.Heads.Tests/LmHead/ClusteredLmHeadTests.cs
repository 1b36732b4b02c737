using Sieve.Abstractions;
using Sieve.Plugins.Heads.Clustering;
using Sieve.Plugins.Heads.LmHead;
using Sieve.Plugins.Heads.Tests.Clustering;

namespace Sieve.Plugins.Heads.Tests.LmHead;

public sealed class ClusteredLmHeadTests : IDisposable
{
    private const int Vocabulary = 301, Dimension = 13, Clusters = 7;

    private readonly string _folder = Directory.CreateTempSubdirectory("sieve-lm-head-").FullName;
    private readonly float[] _weights;
    private readonly string _modelPath;
    private readonly string _headPath;
    private readonly HeadFile _head;

    public ClusteredLmHeadTests()
    {
        (_weights, _) = ClusteredPoints.Blobs(Vocabulary, Dimension, Clusters, 1f, 11);
        _modelPath = Path.Combine(_folder, "model.onnx");
        _headPath = Path.Combine(_folder, "head.bin");
        var clusters = FlashKMeans.Fit(_weights, Vocabulary, Dimension, new KMeansSettings(Clusters, Balanced: true));
        _head = new HeadFile(Vocabulary, Dimension, clusters.Centroids, clusters.Offsets, clusters.Members, HeadFile.Checksum(_weights), _modelPath);
        _head.Write(_headPath);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private OutputEmbedding Embedding(float[]? weights = null) => new(weights ?? _weights, Vocabulary, Dimension, _modelPath);

    private ILmHeadScorer Bind(int probe, string? headFile = null) =>
        new ClusteredLmHead(new ClusteredLmHeadOptions { Probe = probe, HeadFile = headFile ?? "head.bin" }).Bind(Embedding());

    [Fact]
    public void HeadFile_RoundTrips()
    {
        var read = HeadFile.Read(_headPath);

        Assert.Equal(_head.Centroids, read.Centroids);
        Assert.Equal(_head.Offsets, read.Offsets);
        Assert.Equal(_head.Tokens, read.Tokens);
        Assert.Equal(_head.SourceSha256, read.SourceSha256);
        Assert.Equal(_modelPath, read.Source);
        Assert.Equal((Vocabulary + Clusters - 1) / Clusters, read.LargestCluster);
    }

    [Fact]
    public void HeadFile_Damaged_IsRefusedNamingTheFile()
    {
        var bytes = File.ReadAllBytes(_headPath);
        bytes[100] ^= 0xFF;
        var damaged = Path.Combine(_folder, "damaged.bin");
        File.WriteAllBytes(damaged, bytes);

        var error = Assert.Throws<InvalidDataException>(() => HeadFile.Read(damaged));

        Assert.Contains(damaged, error.Message, StringComparison.Ordinal);
        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_ProbeAllClusters_GivesEveryTokenWithItsExactLogit()
    {
        using var scorer = Bind(Clusters);
        var hidden = Hidden(1, 3);
        var (tokens, logits, counts) = Score(scorer, hidden, 1);

        Assert.Equal(Vocabulary, counts[0]);
        Assert.Equal(Enumerable.Range(0, Vocabulary), tokens.Take(Vocabulary).Order());
        for (var i = 0; i < Vocabulary; i++)
        {
            Assert.Equal(Dot(hidden, 0, tokens[i]), logits[i], 1e-4f);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Score_KeepsTheTokensOfTheProbeClustersNearestTheHiddenState(int probe)
    {
        using var scorer = Bind(probe);
        var hidden = Hidden(1, 5);
        var (tokens, logits, counts) = Score(scorer, hidden, 1);

        // The oracle: rank the clusters by h · centroid, take the first `probe`.
        var ranked = Enumerable.Range(0, Clusters).OrderByDescending(c => CentroidScore(hidden, c)).ThenBy(c => c).Take(probe).ToList();
        var expected = ranked.SelectMany(c => _head.Tokens[_head.Offsets[c].._head.Offsets[c + 1]]).ToList();
        Assert.Equal(expected, tokens.Take(counts[0]));
        for (var i = 0; i < counts[0]; i++)
        {
            Assert.Equal(Dot(hidden, 0, tokens[i]), logits[i], 1e-4f);
        }
        Assert.True(counts[0] <= scorer.MaxCandidates);
    }

    [Fact]
    public void Score_SeveralRows_EqualsEachRowAlone()
    {
        using var scorer = Bind(2);
        var hidden = Hidden(5, 8);
        var (tokens, logits, counts) = Score(scorer, hidden, 5);

        for (var r = 0; r < 5; r++)
        {
            var (aloneTokens, aloneLogits, aloneCounts) = Score(scorer, hidden.AsSpan(r * Dimension, Dimension).ToArray(), 1);
            Assert.Equal(aloneCounts[0], counts[r]);
            Assert.Equal(aloneTokens.Take(aloneCounts[0]), tokens.Skip(r * scorer.MaxCandidates).Take(counts[r]));
            for (var i = 0; i < counts[r]; i++)
            {
                Assert.Equal(aloneLogits[i], logits[r * scorer.MaxCandidates + i], 1e-4f);
            }
        }
    }

    [Fact]
    public void Bind_MissingHeadFile_NamesTheSettingAndThePath()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Bind(2, "nowhere.bin"));

        Assert.Contains("Options:HeadFile = 'nowhere.bin'", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_folder, "nowhere.bin"), error.Message, StringComparison.Ordinal);
        Assert.Contains("sieve cluster-head", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_HeadFileOfAnotherModel_IsRefusedNamingTheFile()
    {
        var other = (float[])_weights.Clone();
        other[0] += 1f;
        var head = new ClusteredLmHead(new ClusteredLmHeadOptions { Probe = 2, HeadFile = _headPath });

        var error = Assert.Throws<InvalidOperationException>(() => head.Bind(Embedding(other)));

        Assert.Contains($"head file {_headPath} was made for another model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_HeadFileOfAnotherShape_IsRefusedNamingTheFile()
    {
        var head = new ClusteredLmHead(new ClusteredLmHeadOptions { Probe = 2, HeadFile = _headPath });

        var error = Assert.Throws<InvalidOperationException>(() => head.Bind(new OutputEmbedding(new float[Vocabulary * 4], Vocabulary, 4, _modelPath)));

        Assert.Contains($"head file {_headPath} is for a [{Vocabulary}, {Dimension}] output embedding", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_ProbeAboveTheClusters_NamesTheSettingAndTheFile()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Bind(Clusters + 1));

        Assert.Equal($"Options:Probe = {Clusters + 1} exceeds the {Clusters} clusters of head file {_headPath}.", error.Message);
    }

    [Fact]
    public void Bind_WithoutWeights_IsRefused()
    {
        var head = new ClusteredLmHead(new ClusteredLmHeadOptions { Probe = 2, HeadFile = _headPath });

        Assert.Throws<InvalidOperationException>(() => head.Bind(new OutputEmbedding(ReadOnlyMemory<float>.Empty, Vocabulary, 0, _modelPath)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Options_ProbeBelowOne_FailsValidation(int probe)
    {
        var options = new ClusteredLmHeadOptions { Probe = probe, HeadFile = "h.bin" };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(ClusteredLmHeadOptions.Probe)));
    }

    private static float[] Hidden(int rows, int seed)
    {
        var random = new Random(seed);
        var hidden = new float[rows * Dimension];
        for (var i = 0; i < hidden.Length; i++)
        {
            hidden[i] = (float)(random.NextDouble() * 2 - 1);
        }
        return hidden;
    }

    private static (int[] Tokens, float[] Logits, int[] Counts) Score(ILmHeadScorer scorer, float[] hidden, int rows)
    {
        var tokens = new int[rows * scorer.MaxCandidates];
        var logits = new float[rows * scorer.MaxCandidates];
        var counts = new int[rows];
        scorer.Score(new LmHeadCall { Input = hidden, Rows = rows, Tokens = tokens, Logits = logits, Counts = counts });
        return (tokens, logits, counts);
    }

    private float Dot(float[] hidden, int row, int token)
    {
        var sum = 0.0;
        for (var j = 0; j < Dimension; j++)
        {
            sum += hidden[row * Dimension + j] * (double)_weights[token * Dimension + j];
        }
        return (float)sum;
    }

    private double CentroidScore(float[] hidden, int cluster)
    {
        var sum = 0.0;
        for (var j = 0; j < Dimension; j++)
        {
            sum += hidden[j] * (double)_head.Centroids[cluster * Dimension + j];
        }
        return sum;
    }
}
