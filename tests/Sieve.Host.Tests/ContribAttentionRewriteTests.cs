using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Sieve.Abstractions;
using Sieve.Host.Device;
using Sieve.Host.Onnx;
using Sieve.Host.Onnx.Bridge;
using Sieve.Host.Onnx.Proto;
using Sieve.Host.Onnx.Passes.Attention;
using Sieve.Host.Operators;
using Sieve.Host.Plugins;
using Sieve.Host.Tests.Testing;
using DataType = Sieve.Host.Onnx.Proto.TensorProto.Types.DataType;

namespace Sieve.Host.Tests;

/// <summary>
/// The fused <c>com.microsoft::Attention</c> (Q/K/V projection inside the node) becomes MatMul → Add → Split → one
/// <c>ai.sieve::Attention</c>, computing what ORT's own kernel does; what it cannot take is refused with the reason.
/// </summary>
public class ContribAttentionRewriteTests
{
    private const int Batch = 2, Length = 7, Hidden = 16, Heads = 2;

    public static TheoryData<string> Variants => new()
    {
        "bias", "no-bias", "key-lengths", "key-padding", "causal", "causal-key-lengths", "qkv-hidden-sizes-and-scale", "opset-18",
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Rewrite_ContribAttention_WithDenseGivesTheSameOutputAsOnnxRuntime(string variant)
    {
        using var folder = new TempFolder();
        var (model, feeds) = Build(variant);
        var path = TinyModels.Save(model, folder, variant + ".onnx");
        var (matches, unsupported) = AttentionFinder.Find(model);
        Assert.Empty(unsupported);
        Assert.Equal("com.microsoft::Attention", Assert.Single(matches).Pattern);

        float[] expected;
        // ORT's CPU kernel reads the bias unchecked (no bias crashes the process), so its reference gets a zero bias.
        using (var session = new InferenceSession(variant == "no-bias" ? TinyModels.Save(WithZeroBias(model), folder, "zero-bias.onnx") : path))
        using (var outputs = session.Run(new RunOptions(), feeds.Keys.ToList(), feeds.Values.ToList(), ["y"]))
        {
            expected = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        using var rewritten = ModelSessionFactory.Create(path, "test", [AttentionTesting.Dense(folder)], EmptyServices.Instance);
        Assert.Contains("attention=dense (built-in) on 1 nodes", rewritten.OperatorSummary, StringComparison.Ordinal);
        using var actual = rewritten.Run(new RunOptions(), feeds.Keys.ToList(), feeds.Values.ToList(), ["y"]);
        AttentionTesting.AssertClose(expected, actual[0].GetTensorDataAsSpan<float>(), variant);
    }

    [Fact]
    public void Find_ContribAttention_ReadsHeadsHeadSizeScaleCausalAndMask()
    {
        var sized = Assert.Single(AttentionFinder.Find(Build("qkv-hidden-sizes-and-scale").Model).Matches);
        Assert.Equal((AttentionNodeAttributes.HeadsPacked, 2, 2, 12, 0.5f, false), (sized.Attributes.Layout, sized.Attributes.QueryHeads, sized.Attributes.KeyValueHeads, sized.Attributes.HeadSize, sized.Attributes.Scale, sized.Attributes.Causal));
        Assert.Equal(["MatMul", "Add", "Split"], sized.Prelude!.Select(n => n.OpType));
        Assert.Null(sized.Mask);

        var causal = Assert.Single(AttentionFinder.Find(Build("causal-key-lengths").Model).Matches);
        Assert.True(causal.Attributes.Causal);
        Assert.Equal(Hidden / Heads, causal.Attributes.HeadSize); // a third of the weights' width, over the heads
        Assert.Equal("mask", causal.Mask);
        Assert.Contains("com.microsoft::Attention [attention] inserted MatMul → Add → Split, heads 2", causal.Describe(), StringComparison.Ordinal);

        var noBias = Assert.Single(AttentionFinder.Find(Build("no-bias").Model).Matches);
        Assert.Equal(["MatMul", "Split"], noBias.Prelude!.Select(n => n.OpType));
    }

    [Fact]
    public void Find_ContribAttentionWithDummyMask_DropsTheMaskAsOnnxRuntimeDoes()
    {
        var model = Fused(node => node.Input.Add("mask"), TinyModels.Tensor("mask", DataType.Int32, Batch, 1));
        Assert.Null(Assert.Single(AttentionFinder.Find(model).Matches).Mask);
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "past", "past, past_sequence_length and present (a KV cache inside the node) are not supported" },
        { "present", "past, past_sequence_length and present (a KV cache inside the node) are not supported" },
        { "past_present_share_buffer", "past_present_share_buffer (a KV cache inside the node) is not supported" },
        { "attention_bias", "attention_bias is not supported" },
        { "do_rotary", "do_rotary = 1 (rotary embedding inside the node) is not supported" },
        { "value-size", "qkv_hidden_sizes [16, 16, 8]: a value hidden size unlike the query's is not supported" },
        { "key-size", "qkv_hidden_sizes [16, 8, 16] must give equal q and k sizes" },
        { "end-start-mask", "mask_index [4] for batch 2 holds end and start positions ([2·batch] or [3·batch + 2]), which are not supported; supported are key lengths [batch]" },
        { "3d-mask", "a 3-D mask_index [batch, sequence, total sequence] (a mask per query) is not supported" },
        { "4d-mask", "a 4-D mask_index (Megatron [batch, 1, max sequence, max sequence]) is not supported" },
        { "weak-mask-filter", "mask_filter_value -10 leaves masked keys a weight" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Find_ContribAttentionItCannotTake_ListsItWithTheReason(string variant, string reason)
    {
        var model = variant switch
        {
            "past" => Fused(node => node.Input.Add(["", "past"]), TinyModels.Tensor("past", DataType.Float, 2, Batch, Heads, 3, Hidden / Heads)),
            "present" => Fused(node => node.Output.Add("present")),
            "past_present_share_buffer" or "do_rotary" => Fused(node => node.Attribute.Add(TinyModels.Int(variant, 1))),
            "attention_bias" => Fused(node => node.Input.Add(["", "", "attention_bias"]), TinyModels.Tensor("attention_bias", DataType.Float, Batch, Heads, Length, Length)),
            "value-size" => Fused(node => node.Attribute.Add(TinyModels.Ints("qkv_hidden_sizes", 16, 16, 8))),
            "key-size" => Fused(node => node.Attribute.Add(TinyModels.Ints("qkv_hidden_sizes", 16, 8, 16))),
            "end-start-mask" => Fused(node => node.Input.Add("mask"), TinyModels.Tensor("mask", DataType.Int32, 2 * Batch)),
            "3d-mask" => Fused(node => node.Input.Add("mask"), TinyModels.Tensor("mask", DataType.Int32, Batch, Length, Length)),
            "4d-mask" => Fused(node => node.Input.Add("mask"), TinyModels.Tensor("mask", DataType.Int32, Batch, 1, 16, 16)),
            _ => Fused(node =>
            {
                node.Input.Add("mask");
                node.Attribute.Add(TinyModels.Float("mask_filter_value", -10f));
            }, TinyModels.Tensor("mask", DataType.Int32, Batch)),
        };
        var (matches, unsupported) = AttentionFinder.Find(model);
        Assert.Empty(matches);
        var refused = Assert.Single(unsupported);
        Assert.Equal("com.microsoft::Attention 'attention'", refused.Node);
        Assert.Contains(reason, refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Rewrite_ContribAttention_LeavesNoFusedNodeAndOnnxRuntimeLoadsAndRunsTheResult()
    {
        using var folder = new TempFolder();
        var (model, feeds) = Build("key-lengths");
        var rewritten = AttentionRewriter.Rewrite(model, AttentionFinder.Find(model).Matches);

        Assert.DoesNotContain(rewritten.Graph.Node, n => n.Domain == "com.microsoft");
        Assert.Equal(["MatMul", "Add", "Split", "Attention"], rewritten.Graph.Node.Select(n => n.OpType));
        var split = rewritten.Graph.Node[2];
        var sieve = rewritten.Graph.Node[3];
        Assert.Equal("ai.sieve", sieve.Domain);
        Assert.Equal([.. split.Output, "mask"], sieve.Input);
        Assert.Equal(["w", "b"], rewritten.Graph.Initializer.Select(i => i.Name));

        var dense = AttentionTesting.Dense(folder);
        var pass = new AttentionPass(dense.Create<IAttention>(EmptyServices.Instance), dense.ToString(), gpu: null);
        using var domain = new CustomOpDomain(pass.Operators.Select(op => new PassCustomOp(op, dense.Implementation.Described, DeviceKind.Cpu)));
        using var session = OnnxSessionFactory.Create(rewritten.ToByteArray(), folder.File("rewritten.onnx"), "test", ExecutionDevice.Cpu, domain.AddTo);
        using var outputs = session.Run(new RunOptions(), feeds.Keys.ToList(), feeds.Values.ToList(), ["y"]);
        Assert.Equal(new long[] { Batch, Length, Hidden }, outputs[0].GetTensorTypeAndShape().Shape);
    }

    [Fact]
    public void Run_MaskIndexOfEndAndStartPositionsUndeclared_FailsNamingTheMaskForm()
    {
        using var folder = new TempFolder();
        var model = Fused(node => node.Input.Add("mask"), TinyModels.Tensor("mask", DataType.Int32, -1));
        Assert.Single(AttentionFinder.Find(model).Matches); // the length is not declared: only the run can tell
        var weights = Values(new Random(1), Hidden * 3 * Hidden);
        model.Graph.Initializer.Add(TinyModels.Initializer("w", weights, Hidden, 3 * Hidden));
        model.Graph.Initializer.Add(TinyModels.Initializer("b", new float[3 * Hidden], 3 * Hidden));
        using var session = ModelSessionFactory.Create(TinyModels.Save(model, folder, "end-start.onnx"), "test", [AttentionTesting.Dense(folder)], EmptyServices.Instance);
        using var x = OrtValue.CreateTensorValueFromMemory(Values(new Random(2), Batch * Length * Hidden), [Batch, Length, Hidden]);
        using var mask = OrtValue.CreateTensorValueFromMemory(new[] { 7, 5, 0, 1 }, [2 * Batch]);
        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run(new RunOptions(), ["x", "mask"], [x, mask], ["y"]).Dispose());
        Assert.Contains("NotSupportedException: a 1-D mask [4] (int32) is not int32 key lengths [batch] for batch 2; end and start positions ([2·batch])", error.Message, StringComparison.Ordinal);
    }

    /// <summary>com.microsoft::Attention over x [2, 7, 16] with weights w [16, 48] and bias b, changed by <paramref name="configure"/>.</summary>
    private static ModelProto Fused(Action<NodeProto> configure, params ValueInfoProto[] extraInputs) => Fused(configure, Hidden, 17, extraInputs);

    private static ModelProto Fused(Action<NodeProto> configure, int qkvHidden, long opset, params ValueInfoProto[] extraInputs)
    {
        var node = new NodeProto { OpType = "Attention", Domain = "com.microsoft", Name = "attention", Input = { "x", "w", "b" }, Output = { "y" }, Attribute = { TinyModels.Int("num_heads", Heads) } };
        configure(node);
        return TinyModels.Single(node, [TinyModels.Tensor("x", DataType.Float, Batch, Length, Hidden), .. extraInputs],
            [TinyModels.Tensor("y", DataType.Float, Batch, Length, qkvHidden)], ("", opset), ("com.microsoft", 1));
    }

    private static (ModelProto Model, Dictionary<string, OrtValue> Feeds) Build(string variant)
    {
        var random = new Random(variant.Length);
        var qkvHidden = variant == "qkv-hidden-sizes-and-scale" ? 24 : Hidden;
        var feeds = new Dictionary<string, OrtValue> { ["x"] = OrtValue.CreateTensorValueFromMemory(Values(random, Batch * Length * Hidden), [Batch, Length, Hidden]) };
        var inputs = new List<ValueInfoProto>();
        var model = Fused(node =>
        {
            if (variant == "no-bias")
            {
                node.Input[2] = "";
            }
            if (variant is "key-lengths" or "causal-key-lengths")
            {
                node.Input.Add("mask");
                inputs.Add(TinyModels.Tensor("mask", DataType.Int32, Batch));
                feeds["mask"] = OrtValue.CreateTensorValueFromMemory(new[] { Length, variant == "key-lengths" ? 4 : 5 }, [Batch]);
            }
            if (variant == "key-padding")
            {
                node.Input.Add("mask");
                inputs.Add(TinyModels.Tensor("mask", DataType.Int32, Batch, Length));
                feeds["mask"] = OrtValue.CreateTensorValueFromMemory(new[] { 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1 }, [Batch, Length]);
            }
            if (variant.StartsWith("causal", StringComparison.Ordinal))
            {
                node.Attribute.Add(TinyModels.Int("unidirectional", 1));
            }
            if (variant == "qkv-hidden-sizes-and-scale")
            {
                node.Attribute.Add(TinyModels.Ints("qkv_hidden_sizes", qkvHidden, qkvHidden, qkvHidden));
                node.Attribute.Add(TinyModels.Float("scale", 0.5f));
            }
        }, qkvHidden, variant == "opset-18" ? 18 : 17);
        model.Graph.Input.AddRange(inputs);
        model.Graph.Initializer.Add(TinyModels.Initializer("w", Values(random, Hidden * 3 * qkvHidden), Hidden, 3 * qkvHidden));
        if (variant != "no-bias")
        {
            model.Graph.Initializer.Add(TinyModels.Initializer("b", Values(random, 3 * qkvHidden), 3 * qkvHidden));
        }
        return (model, feeds);
    }

    private static ModelProto WithZeroBias(ModelProto model)
    {
        var copy = model.Clone();
        copy.Graph.Node[0].Input[2] = "b";
        var width = copy.Graph.Initializer.Single(i => i.Name == "w").Dims[1];
        copy.Graph.Initializer.Add(TinyModels.Initializer("b", new float[width], width));
        return copy;
    }

    private static float[] Values(Random random, int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
}
