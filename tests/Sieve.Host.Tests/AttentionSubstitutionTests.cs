using System.Globalization;
using System.Numerics.Tensors;
using Sieve.Abstractions;
using Sieve.Host.Configuration;
using Sieve.Tools.Eval;
using Sieve.Host.Onnx;
using Sieve.Host.Operators;
using Sieve.Host.Pipelines;
using Sieve.Host.Plugins;
using Sieve.Host.Tests.Testing;
using Sieve.Host.Text;

namespace Sieve.Host.Tests;

/// <summary>Attention substitution on the real all-MiniLM-L6-v2: dense equals the model's own graph; block-sparse stays close.</summary>
public class AttentionSubstitutionTests
{
    private static readonly SieveOptions Options = CreateOptions();
    private static readonly PluginCatalog Plugins = new(Path.Combine(TestPaths.HostDir, "plugins"));

    private static SieveOptions CreateOptions()
    {
        var options = new SieveOptions();
        options.Models["minilm"] = new ModelOptions { Path = TestPaths.ModelPath, Tokenizer = TestPaths.VocabularyPath };
        return options;
    }

    private static float[][] Embed(BoundOperator? attention, IReadOnlyList<string> texts, out List<EncodedText> encoded)
    {
        var (model, encoder) = ConfiguredModels.LoadEncoder(Options, new ConfigPaths(TestPaths.HostDir), "minilm", attention is null ? [] : [attention], EmptyServices.Instance);
        using (model)
        {
            encoded = texts.Select(encoder.Encode).ToList();
            var result = new List<float[]>();
            for (var i = 0; i < encoded.Count; i += 16)
            {
                result.AddRange(model.Embed(encoded.GetRange(i, Math.Min(16, encoded.Count - i))));
            }
            return [.. result];
        }
    }

    private static BoundOperator Bind(string use, Dictionary<string, string>? options = null) =>
        OperatorBinder.Standalone(Plugins, "attention", use, options ?? []);

    private static List<string> Texts(int count) => FidelitySet.Create(Path.Combine(TestPaths.SamplesDir, "sentences.jsonl"), count, 1, 12);

    [Fact]
    public void Dense_200TextsOfVariedLength_EqualsTheModelsOwnGraph()
    {
        var texts = Texts(200);
        var reference = Embed(null, texts, out var encoded);
        var dense = Embed(Bind("dense"), texts, out _);
        Assert.True(encoded.Max(e => e.Ids.Length) > 100 && encoded.Min(e => e.Ids.Length) < 30, "the set must vary in length");
        var worst = 0f;
        for (var i = 0; i < texts.Count; i++)
        {
            for (var j = 0; j < reference[i].Length; j++)
            {
                worst = Math.Max(worst, Math.Abs(reference[i][j] - dense[i][j]));
            }
        }
        Assert.True(worst <= 1e-4f, $"max |difference| {worst}");
    }

    [Fact]
    public void BlockSparse_AllBlocksKept_EqualsDense()
    {
        var texts = Texts(24);
        var reference = Embed(null, texts, out _);
        var sparse = Embed(Bind("block-sparse", new() { ["DenseBelow"] = "0", ["Density"] = "1", ["BlockSize"] = "16", ["CompressionKernel"] = "8", ["CompressionStride"] = "4" }), texts, out _);
        for (var i = 0; i < texts.Count; i++)
        {
            Assert.True(TensorPrimitives.MaxMagnitude(Subtract(reference[i], sparse[i])) <= 1e-4f, $"text {i}");
        }
    }

    [Fact]
    public void BlockSparse_FidelityRisesWithDensity_AndIsCloseAt75Percent()
    {
        var texts = Texts(48);
        var reference = Embed(null, texts, out _);
        var means = new List<double>();
        foreach (var density in new[] { 0.25, 0.75 })
        {
            var sparse = Embed(Bind("block-sparse", new()
            {
                ["DenseBelow"] = "0", ["Density"] = density.ToString(CultureInfo.InvariantCulture), ["BlockSize"] = "16",
                ["CompressionKernel"] = "8", ["CompressionStride"] = "4", ["WindowBlocks"] = "0",
            }), texts, out _);
            means.Add(texts.Select((_, i) => (double)TensorPrimitives.Dot(reference[i], sparse[i])).Average());
        }
        Assert.True(means[0] < 0.97, $"25% density changes the embeddings measurably (mean cosine {means[0]:F4}): the sparse path really ran");
        Assert.True(means[1] >= 0.99, $"mean cosine at 75% density {means[1]:F4}");
        Assert.True(means[1] > means[0]);
    }

    private static float[] Subtract(float[] a, float[] b)
    {
        var result = new float[a.Length];
        TensorPrimitives.Subtract(a, b, result);
        return result;
    }
}
