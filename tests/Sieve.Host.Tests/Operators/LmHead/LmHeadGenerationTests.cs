using Sieve.Abstractions;
using Sieve.Host.Generation;
using Sieve.Host.Onnx;
using Sieve.Host.Onnx.Passes.LmHead;
using Sieve.Host.Operators;
using Sieve.Host.Operators.KvCache;
using Sieve.Host.Operators.LmHead;
using Sieve.Host.Tests.Generation;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Operators.LmHead;

/// <summary>The lm-head slot with the committed LM: the cut, the dense reference and the clustered head from the drop-in folder.</summary>
public sealed class LmHeadGenerationTests(SieveLmHeadFile head) : IClassFixture<SieveLmHeadFile>
{
    private static readonly LmTokenizer Tokenizer = SieveLm.Tokenizer();

    private static readonly string[] Prompts = ["And God said,", "Call me Ishmael. Some years ago,", "Fellow-Citizens of the Senate"];

    private static GenerationRequest Request(string prompt, int maxNewTokens) => new(Tokenizer.Encode(prompt), maxNewTokens, 0, 1, 0, [], []);

    private static CausalLm CutModel(OutputProjectionCut cut) =>
        new(ModelSessionFactory.Create(SieveLmHeadFile.ModelPath, "test", [], EmptyServices.Instance, cut), SieveLmHeadFile.ModelPath, 4096, cut.Embedding);

    private ILmHeadScorer Clustered(int probe, OutputEmbedding embedding) =>
        DropInPlugins.Create<ILmHead>("lm-head", "clustered", Bound(probe).Options, EmptyServices.Instance).Bind(embedding);

    private BoundOperator Bound(int probe) => OperatorBinder.Standalone<ILmHead>(DropInPlugins.Catalog, "clustered",
        new Dictionary<string, string> { ["Probe"] = probe.ToString(System.Globalization.CultureInfo.InvariantCulture), ["HeadFile"] = head.Path });

    [Fact]
    public void Cut_HiddenStateTimesTheEmbedding_IsTheModelsLogits()
    {
        var cut = new OutputProjectionCut();
        using var uncut = SieveLm.Model();
        using var model = CutModel(cut);
        var prompt = Tokenizer.Encode("In the beginning God created the heaven and the earth.");
        var logits = Run(uncut, prompt);
        var hidden = Run(model, prompt);

        Assert.Equal(OutputProjectionCut.HiddenStateOutput, model.OutputName);
        Assert.Equal((8192, 256), (model.VocabularySize, model.OutputWidth));
        var weights = cut.Embedding!.Weights.ToArray();
        var largest = 0f;
        for (var t = 0; t < prompt.Length; t++)
        {
            for (var v = 0; v < 8192; v++)
            {
                var dot = System.Numerics.Tensors.TensorPrimitives.Dot(hidden.AsSpan(t * 256, 256), weights.AsSpan(v * 256, 256));
                largest = Math.Max(largest, Math.Abs(dot - logits[t * 8192 + v]));
            }
        }
        Assert.True(largest < 1e-3f, $"largest |Δ| {largest}");
        Assert.Contains("lm-head cut at MatMul 'lm_head'", model.OperatorSummary, StringComparison.Ordinal);
    }

    [Fact]
    public void DenseHead_PassesEveryTokenWithTheModelsLogit()
    {
        using var scorer = new DenseLmHead().Bind(new OutputEmbedding(ReadOnlyMemory<float>.Empty, 5, 0, "m.onnx"));
        float[] logits = [0.5f, -1f, 3f, 3f, 2f, 1f, 2f, 3f, 4f, 5f];
        var (tokens, candidates, counts) = (new int[10], new float[10], new int[2]);

        scorer.Score(new LmHeadCall { Input = logits, Rows = 2, Tokens = tokens, Logits = candidates, Counts = counts });

        Assert.Equal([5, 5], counts);
        Assert.Equal([0, 1, 2, 3, 4, 0, 1, 2, 3, 4], tokens);
        Assert.Equal(logits, candidates);
    }

    [Fact]
    public void Generate_ClusteredProbingEveryCluster_GivesTheDenseTokens()
    {
        var cut = new OutputProjectionCut();
        using var dense = SieveLm.Model();
        using var model = CutModel(cut);
        using var scorer = Clustered(SieveLmHeadFile.Clusters, cut.Embedding!);
        var requests = Prompts.Select(p => Request(p, 24)).ToList();

        var reference = new BatchGenerator(dense, Tokenizer, new DenseKvCache()).Generate(requests);
        var clustered = new BatchGenerator(model, Tokenizer, new DenseKvCache(), head: scorer).Generate(requests);

        // Every token is a candidate with its exact logit: only float summation order differs from ORT's MatMul.
        for (var i = 0; i < requests.Count; i++)
        {
            Assert.Equal(reference[i].Tokens, clustered[i].Tokens);
        }
    }

    [Fact]
    public void Generate_ClusteredWithFewClusters_StaysOnTheDensePathForTheFirstTokens()
    {
        var cut = new OutputProjectionCut();
        using var dense = SieveLm.Model();
        using var model = CutModel(cut);
        using var scorer = Clustered(8, cut.Embedding!);
        var requests = Prompts.Select(p => Request(p, 16)).ToList();

        var reference = new BatchGenerator(dense, Tokenizer, new DenseKvCache()).Generate(requests);
        var clustered = new BatchGenerator(model, Tokenizer, new DenseKvCache(), head: scorer).Generate(requests);

        // 8 of 64 clusters (1/8 of the vocabulary) is an approximation: the measured agreement is in bench/results;
        // here the greedy continuations must at least start alike and every token must come from the kept clusters.
        Assert.All(Enumerable.Range(0, requests.Count), i => Assert.Equal(reference[i].Tokens[0], clustered[i].Tokens[0]));
        Assert.True(scorer.MaxCandidates <= 8 * 128);
    }

    [Fact]
    public void Bind_ProbeZero_IsRefusedNamingTheKey()
    {
        var error = Assert.Throws<SieveException>(() => Bound(0));

        Assert.StartsWith("Sieve:Operators:lm-head:Options:Probe = '0' is invalid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_ProbeAboveK_NamesTheSettingAndTheHeadFile()
    {
        var cut = new OutputProjectionCut();
        using var model = CutModel(cut);

        var error = Assert.Throws<InvalidOperationException>(() => Clustered(SieveLmHeadFile.Clusters + 1, cut.Embedding!));

        Assert.Contains($"Options:Probe = {SieveLmHeadFile.Clusters + 1} exceeds the {SieveLmHeadFile.Clusters} clusters of head file {head.Path}", error.Message, StringComparison.Ordinal);
    }

    private static float[] Run(CausalLm model, int[] prompt)
    {
        var cache = new DenseKvCache().Allocate(new KvCacheShape(model.Layers, 1, model.KeyValueHeads, prompt.Length, model.HeadSize, model.Device));
        using (cache)
        {
            var output = new float[prompt.Length * model.OutputWidth];
            model.Run([.. prompt.Select(t => (long)t)], [.. Enumerable.Range(0, prompt.Length).Select(p => (long)p)], [.. Enumerable.Repeat(1L, prompt.Length)],
                1, prompt.Length, cache, output);
            return output;
        }
    }
}
