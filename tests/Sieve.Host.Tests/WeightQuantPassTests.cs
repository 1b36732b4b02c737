using Sieve.Abstractions;
using Sieve.Host.Configuration;
using Sieve.Host.Operators;
using Sieve.Host.Pipelines;
using Sieve.Host.Plugins;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests;

/// <summary>The weight-quant slot's host pass with its reference, weight-quant/dense, on the real all-MiniLM-L6-v2.</summary>
public class WeightQuantPassTests
{
    private static readonly string[] Texts = ["A man is eating food.", "A woman is playing violin.", "Rain and snow fell on the boats all night long."];

    private static (float[][] Embeddings, string Summary) Embed(IReadOnlyList<BoundOperator> operators)
    {
        var options = new SieveOptions();
        options.Models["minilm"] = new ModelOptions { Path = TestPaths.ModelPath, Tokenizer = TestPaths.VocabularyPath };
        var (model, encoder) = ConfiguredModels.LoadEncoder(options, new ConfigPaths(TestPaths.HostDir), "minilm", operators, EmptyServices.Instance);
        using (model)
        {
            return ([.. model.Embed(Texts.Select(encoder.Encode).ToList())], model.OperatorSummary);
        }
    }

    [Fact]
    public void Dense_ReplacesEveryConstantMatMulAndKeepsTheEmbeddings()
    {
        using var folder = new TempFolder();
        var dense = OperatorBinder.Standalone<IWeightQuantizer>(new PluginCatalog(folder.File("no-plugins")), "dense");

        var (reference, _) = Embed([]);
        var (quantized, summary) = Embed([dense]);

        Assert.Equal("weight-quant=dense (built-in) on 36 nodes", summary);
        var worst = reference.Zip(quantized).Max(p => p.First.Zip(p.Second).Max(v => Math.Abs(v.First - v.Second)));
        Assert.True(worst <= 1e-5f, $"max |own − weight-quant/dense| {worst}");
        Assert.True(worst > 0f, "the rewritten model must really run the pass's kernel (a summation order differs from ORT's)");
    }
}
