using Microsoft.ML.OnnxRuntime;
using Sieve.Abstractions;
using Sieve.Host.Onnx;
using Sieve.Host.Onnx.Proto;
using Sieve.Host.Onnx.Passes.Attention;
using Sieve.Host.Operators;
using Sieve.Host.Plugins;
using Sieve.Host.Tests.Testing;
using DataType = Sieve.Host.Onnx.Proto.TensorProto.Types.DataType;

namespace Sieve.Host.Tests;

/// <summary>The rewriter finds the attentions a slot covers, and the rewritten graph computes what the original did.</summary>
public class AttentionRewriteTests
{
    [Fact]
    public void Find_MiniLm_FindsSixExporterPatternsWithStaticHeads()
    {
        var model = OnnxModelFile.Read(TestPaths.ModelPath);
        var (matches, unsupported) = AttentionFinder.Find(model);
        Assert.Empty(unsupported);
        Assert.Equal(6, matches.Count);
        Assert.Equal(Enumerable.Range(0, 6), matches.Select(m => m.Attributes.Layer));
        Assert.All(matches, m =>
        {
            Assert.Equal("MatMul-Softmax-MatMul", m.Pattern);
            Assert.Equal((12, 12, 32), (m.Attributes.QueryHeads, m.Attributes.KeyValueHeads, m.Attributes.HeadSize));
            Assert.Equal(1 / MathF.Sqrt(32), m.Attributes.Scale, 5);
            Assert.False(m.Attributes.KeyTransposed); // the exporter's Transpose is changed to give K directly
            Assert.NotNull(m.KeyTranspose);
            Assert.NotNull(m.Mask);
            Assert.Equal(5, m.Nodes.Count);
        });
    }

    [Fact]
    public void Rewrite_MiniLm_ReplacesEverySoftmaxAndKeepsTheOriginal()
    {
        var model = OnnxModelFile.Read(TestPaths.ModelPath);
        var before = model.Graph.Node.Count;
        var rewritten = AttentionRewriter.Rewrite(model, AttentionFinder.Find(model).Matches);
        Assert.Equal(6, rewritten.Graph.Node.Count(n => n is { Domain: "ai.sieve", OpType: "Attention" }));
        Assert.DoesNotContain(rewritten.Graph.Node, n => n.OpType == "Softmax");
        Assert.Contains(rewritten.OpsetImport, o => o.Domain == "ai.sieve" && o.Version == 1);
        Assert.Equal(before, model.Graph.Node.Count);
        Assert.Contains(model.Graph.Node, n => n.OpType == "Softmax");
    }

    public static TheoryData<string> Variants => new() { "mha", "mha-mask", "onnx-4d-causal", "onnx-3d-gqa" };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Rewrite_AttentionNode_WithDenseGivesTheSameOutputAsOnnxRuntime(string variant)
    {
        using var folder = new TempFolder();
        var (model, feeds) = Build(variant);
        var path = TinyModels.Save(model, folder, variant + ".onnx");
        Assert.Single(AttentionFinder.Find(model).Matches);

        float[] expected;
        using (var session = new InferenceSession(path))
        using (var outputs = session.Run(new RunOptions(), feeds.Keys.ToList(), feeds.Values.ToList(), ["y"]))
        {
            expected = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        var dense = OperatorBinder.Standalone(new PluginCatalog(folder.File("no-plugins")), "attention", "dense", new Dictionary<string, string>());
        using var rewritten = ModelSessionFactory.Create(path, "test", [dense], EmptyServices.Instance);
        Assert.Contains("attention=dense (built-in) on 1 nodes", rewritten.OperatorSummary, StringComparison.Ordinal);
        using var actual = rewritten.Run(new RunOptions(), feeds.Keys.ToList(), feeds.Values.ToList(), ["y"]);
        var values = actual[0].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal(expected.Length, values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - values[i]) < 1e-5, $"{variant}: element {i}: ORT {expected[i]}, Sieve {values[i]}");
        }
    }

    private static (ModelProto Model, Dictionary<string, OrtValue> Feeds) Build(string variant)
    {
        const int batch = 2, length = 7, headSize = 8;
        var random = new Random(variant.Length);
        OrtValue Random(params long[] shape)
        {
            var count = (int)shape.Aggregate(1L, (a, b) => a * b);
            return OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(), shape);
        }
        switch (variant)
        {
            case "mha" or "mha-mask":
            {
                const int heads = 3;
                var node = new NodeProto { OpType = "MultiHeadAttention", Domain = "com.microsoft", Name = "mha", Input = { "q", "k", "v" }, Output = { "y" }, Attribute = { TinyModels.Int("num_heads", heads) } };
                var inputs = new List<ValueInfoProto> { TinyModels.Tensor("q", DataType.Float, batch, length, heads * headSize), TinyModels.Tensor("k", DataType.Float, batch, length, heads * headSize), TinyModels.Tensor("v", DataType.Float, batch, length, heads * headSize) };
                var feeds = new Dictionary<string, OrtValue> { ["q"] = Random(batch, length, heads * headSize), ["k"] = Random(batch, length, heads * headSize), ["v"] = Random(batch, length, heads * headSize) };
                if (variant == "mha-mask")
                {
                    node.Input.Add("");
                    node.Input.Add("mask");
                    inputs.Add(TinyModels.Tensor("mask", DataType.Int32, batch, length));
                    feeds["mask"] = OrtValue.CreateTensorValueFromMemory(new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0 }, [batch, length]);
                }
                var model = TinyModels.Single(node, inputs, [TinyModels.Tensor("y", DataType.Float, batch, length, heads * headSize)], ("", 17), ("com.microsoft", 1));
                return (model, feeds);
            }
            case "onnx-4d-causal":
            {
                const int heads = 2;
                var node = new NodeProto { OpType = "Attention", Name = "attention", Input = { "q", "k", "v" }, Output = { "y" }, Attribute = { TinyModels.Int("is_causal", 1) } };
                long[] shape = [batch, heads, length, headSize];
                var model = TinyModels.Single(node, [TinyModels.Tensor("q", DataType.Float, shape), TinyModels.Tensor("k", DataType.Float, shape), TinyModels.Tensor("v", DataType.Float, shape)],
                    [TinyModels.Tensor("y", DataType.Float, shape)], ("", 23));
                return (model, new Dictionary<string, OrtValue> { ["q"] = Random(shape), ["k"] = Random(shape), ["v"] = Random(shape) });
            }
            default:
            {
                const int heads = 4, kvHeads = 2;
                var node = new NodeProto { OpType = "Attention", Name = "gqa", Input = { "q", "k", "v" }, Output = { "y" }, Attribute = { TinyModels.Int("q_num_heads", heads), TinyModels.Int("kv_num_heads", kvHeads), TinyModels.Float("scale", 0.3f) } };
                var model = TinyModels.Single(node, [TinyModels.Tensor("q", DataType.Float, batch, length, heads * headSize), TinyModels.Tensor("k", DataType.Float, batch, length, kvHeads * headSize), TinyModels.Tensor("v", DataType.Float, batch, length, kvHeads * headSize)],
                    [TinyModels.Tensor("y", DataType.Float, batch, length, heads * headSize)], ("", 23));
                return (model, new Dictionary<string, OrtValue> { ["q"] = Random(batch, length, heads * headSize), ["k"] = Random(batch, length, kvHeads * headSize), ["v"] = Random(batch, length, kvHeads * headSize) });
            }
        }
    }

    [Fact]
    public void Create_ModelWithoutAttention_ListsWhatWasFound()
    {
        using var folder = new TempFolder();
        var relu = TinyModels.Single(new NodeProto { OpType = "Relu", Input = { "x" }, Output = { "y" } },
            [TinyModels.Tensor("x", DataType.Float, 4)], [TinyModels.Tensor("y", DataType.Float, 4)], ("", 17));
        var withPast = TinyModels.Single(new NodeProto { OpType = "Attention", Domain = "com.microsoft", Name = "fused", Input = { "x", "w", "", "", "past" }, Output = { "y" }, Attribute = { TinyModels.Int("num_heads", 2) } },
            [TinyModels.Tensor("x", DataType.Float, 1, 4, 8), TinyModels.Tensor("w", DataType.Float, 8, 24), TinyModels.Tensor("past", DataType.Float, 2, 1, 2, 3, 4)],
            [TinyModels.Tensor("y", DataType.Float, 1, 4, 8)], ("", 17), ("com.microsoft", 1));
        var dense = OperatorBinder.Standalone(new PluginCatalog(folder.File("no-plugins")), "attention", "dense", new Dictionary<string, string>());

        var none = Assert.Throws<SieveException>(() => ModelSessionFactory.Create(TinyModels.Save(relu, folder, "relu.onnx"), "Sieve:Models:relu:Path", [dense], EmptyServices.Instance));
        Assert.Contains("attention/dense is selected but no attention in the model can be replaced. Found no MatMul-Softmax-MatMul pattern", none.Message, StringComparison.Ordinal);
        Assert.Contains("(Sieve:Models:relu:Path)", none.Message, StringComparison.Ordinal);

        var unsupported = Assert.Throws<SieveException>(() => ModelSessionFactory.Create(TinyModels.Save(withPast, folder, "past.onnx"), "test", [dense], EmptyServices.Instance));
        Assert.Contains("Found: com.microsoft::Attention 'fused': past, past_sequence_length and present (a KV cache inside the node) are not supported.", unsupported.Message, StringComparison.Ordinal);
    }
}
