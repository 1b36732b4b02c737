using Microsoft.ML.OnnxRuntime;
using Sieve.Abstractions;
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
/// <c>com.microsoft::GroupQueryAttention</c> becomes Reshape/Transpose/Concat nodes around one heads-first
/// <c>ai.sieve::Attention</c>, giving what ORT's own CPU kernel gives (output, present_key and present_value); what it
/// cannot take is refused with the reason, at rewrite time or, for a past the Concat cannot reproduce, at run time.
/// </summary>
public class GroupQueryAttentionRewriteTests
{
    private const int HeadSize = 8;

    /// <summary>One GQA test case: sizes, each row's valid total length (seqlens_k + 1) and the node's form.</summary>
    public sealed record GqaCase(string Name, int Batch, int Sequence, int Past, int Heads, int KvHeads, int[] Lengths, bool Packed = false, float Scale = 0f, long Opset = 17)
    {
        /// <summary>Whether the node takes past_key and past_value even when they hold no token (P = 0).</summary>
        public bool WithPastInput { get; init; }

        public override string ToString() => Name;
    }

    public static TheoryData<GqaCase> Cases => new()
    {
        new GqaCase("prompt, right padding, grouped 4/2", 2, 5, 0, 4, 2, [5, 3]),
        new GqaCase("prompt, right padding, heads 4/4", 2, 5, 0, 4, 4, [5, 2]),
        new GqaCase("prompt, empty past input", 2, 4, 0, 4, 2, [4, 3]) { WithPastInput = true },
        new GqaCase("decode after a past of 3", 2, 1, 3, 4, 2, [4, 4]),
        new GqaCase("prefill chunk after a past of 3 (ORT: batch 1)", 1, 2, 3, 4, 1, [5], Scale: 0.3f),
        new GqaCase("packed QKV prompt, opset 12 Split", 2, 5, 0, 4, 2, [5, 4], Packed: true, Opset: 12),
        new GqaCase("packed QKV decode, opset 18", 2, 1, 4, 4, 2, [5, 5], Packed: true, Opset: 18),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rewrite_GroupQueryAttention_WithDenseGivesOnnxRuntimesOutputAndPresent(GqaCase c)
    {
        using var folder = new TempFolder();
        var (model, feeds) = Build(c, new Random(c.Name.Length));
        var path = TinyModels.Save(model, folder, "gqa.onnx");
        var (matches, unsupported) = AttentionFinder.Find(model);
        Assert.Empty(unsupported);
        var match = Assert.Single(matches);
        Assert.Equal(("com.microsoft::GroupQueryAttention", c.Heads, c.KvHeads, HeadSize, true), (match.Pattern, match.Attributes.QueryHeads, match.Attributes.KeyValueHeads, match.Attributes.HeadSize, match.Attributes.Causal));

        string[] names = ["y", "present_key", "present_value"];
        var expected = new List<float[]>();
        using (var session = new InferenceSession(path))
        using (var outputs = session.Run(new RunOptions(), feeds.Keys.ToList(), feeds.Values.ToList(), names))
        {
            expected.AddRange(outputs.Select(o => o.GetTensorDataAsSpan<float>().ToArray()));
        }
        using var rewritten = ModelSessionFactory.Create(path, "test", [AttentionTesting.Dense(folder)], EmptyServices.Instance);
        Assert.Contains("attention=dense (built-in) on 1 nodes", rewritten.OperatorSummary, StringComparison.Ordinal);
        using var actual = rewritten.Run(new RunOptions(), feeds.Keys.ToList(), feeds.Values.ToList(), names);
        for (var o = 0; o < names.Length; o++)
        {
            // Padding queries (past a row's valid length) included: ORT 1.31 lets them see the row's valid keys, as the kernel does.
            AttentionTesting.AssertClose(expected[o], actual[o].GetTensorDataAsSpan<float>(), $"{c.Name}, {names[o]}");
        }
    }

    [Fact]
    public void Rewrite_GroupQueryAttention_ReplacesTheNodeWithPlainOnnxAroundOneHeadsFirstAttention()
    {
        var (model, _) = Build(new GqaCase("decode", 2, 1, 3, 4, 2, [4, 4]), new Random(1));
        var match = Assert.Single(AttentionFinder.Find(model).Matches);
        var rewritten = AttentionRewriter.Rewrite(model, [match]);

        Assert.DoesNotContain(rewritten.Graph.Node, n => n.Domain == "com.microsoft");
        var sieve = Assert.Single(rewritten.Graph.Node, n => n.Domain == "ai.sieve");
        Assert.Equal(AttentionNodeAttributes.HeadsFirst, sieve.Attribute.Single(a => a.Name == "layout").S.ToStringUtf8());
        // The caches keep their names, so the graph outputs (and whatever feeds them back as the next past) are untouched.
        Assert.Equal("present_key", sieve.Input[1]);
        Assert.Equal("present_value", sieve.Input[2]);
        Assert.Single(rewritten.Graph.Node, n => n.OpType == "Concat" && n.Output[0] == "present_key" && n.Input[0] == "past_key");
        Assert.Equal("y", rewritten.Graph.Node[^1].Output[0]);
        Assert.Equal(["Transpose", "Reshape"], match.Epilogue!.Where(n => n.OpType != "Constant").Select(n => n.OpType));
        Assert.Contains("then Constant → Transpose → Reshape, heads 4, kv heads 2, head size 8", match.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_PastWhoseRowsAreNotFull_IsRefusedByTheGuardNamingTheReason()
    {
        using var folder = new TempFolder();
        // Row 1 holds 2 valid past tokens of 3: ORT writes its new key at position 2, where Concat puts it at 3.
        var (model, feeds) = Build(new GqaCase("right-padded past", 2, 1, 3, 4, 2, [4, 3]), new Random(2));
        using var session = ModelSessionFactory.Create(TinyModels.Save(model, folder, "padded-past.onnx"), "test", [AttentionTesting.Dense(folder)], EmptyServices.Instance);
        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run(new RunOptions(), feeds.Keys.ToList(), feeds.Values.ToList(), ["y"]).Dispose());
        Assert.Contains("is substituted only without a past or with every row full (seqlens_k + 1 = past + new tokens)", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "do_rotary", "do_rotary = 1, cos_cache, sin_cache and position_ids (rotary embedding inside the node) are not supported" },
        { "local_window_size", "local_window_size 2 (sliding-window attention) is not supported; only -1 (none) is" },
        { "softcap", "softcap 30 is not supported" },
        { "smooth_softmax", "smooth_softmax and head_sink (an extra term in the softmax denominator) are not supported" },
        { "head_sink", "smooth_softmax and head_sink (an extra term in the softmax denominator) are not supported" },
        { "attention_bias", "attention_bias is not supported" },
        { "qk_output", "the output_qk output (qk_output) is not supported" },
        { "causal", "causal = 0 (bidirectional) is not supported" },
        { "float16", "element type Float16 is not supported; ai.sieve::Attention takes float" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Find_GroupQueryAttentionItCannotTake_ListsItWithTheReasonAndLeavesItToOnnxRuntime(string variant, string reason)
    {
        using var folder = new TempFolder();
        var (model, _) = Build(new GqaCase("prompt", 2, 5, 0, 4, 2, [5, 3]), new Random(3));
        var node = model.Graph.Node[0];
        switch (variant)
        {
            case "do_rotary" or "smooth_softmax" or "qk_output":
                node.Attribute.Add(TinyModels.Int(variant, 1));
                break;
            case "local_window_size":
                node.Attribute.Add(TinyModels.Int(variant, 2));
                break;
            case "softcap":
                node.Attribute.Add(TinyModels.Float(variant, 30f));
                break;
            case "causal":
                node.Attribute.Add(TinyModels.Int(variant, 0));
                break;
            case "attention_bias" or "head_sink":
                while (node.Input.Count < 12)
                {
                    node.Input.Add("");
                }
                node.Input[variant == "attention_bias" ? 10 : 11] = variant;
                model.Graph.Input.Add(TinyModels.Tensor(variant, DataType.Float, 4));
                break;
            default:
                model.Graph.Input[0].Type.TensorType.ElemType = (int)DataType.Float16;
                break;
        }
        var (matches, unsupported) = AttentionFinder.Find(model);
        Assert.Empty(matches);
        var refused = Assert.Single(unsupported);
        Assert.Equal("com.microsoft::GroupQueryAttention 'gqa'", refused.Node);
        Assert.Contains(reason, refused.Reason, StringComparison.Ordinal);
        var error = Assert.Throws<SieveException>(() => ModelSessionFactory.Create(TinyModels.Save(model, folder, "refused.onnx"), "test", [AttentionTesting.Dense(folder)], EmptyServices.Instance).Dispose());
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    /// <summary>A model of one GroupQueryAttention node 'gqa' (outputs y, present_key, present_value) and random feeds for it.</summary>
    private static (ModelProto Model, Dictionary<string, OrtValue> Feeds) Build(GqaCase c, Random random)
    {
        var (b, s, p) = (c.Batch, c.Sequence, c.Past);
        var (hidden, kvHidden) = (c.Heads * HeadSize, c.KvHeads * HeadSize);
        var node = new NodeProto
        {
            OpType = "GroupQueryAttention",
            Domain = "com.microsoft",
            Name = "gqa",
            Output = { "y", "present_key", "present_value" },
            Attribute = { TinyModels.Int("num_heads", c.Heads), TinyModels.Int("kv_num_heads", c.KvHeads) },
        };
        if (c.Scale > 0)
        {
            node.Attribute.Add(TinyModels.Float("scale", c.Scale));
        }
        var inputs = new List<ValueInfoProto>();
        var feeds = new Dictionary<string, OrtValue>();
        void Feed(string name, float[] values, params long[] dims)
        {
            inputs.Add(TinyModels.Tensor(name, DataType.Float, dims));
            feeds[name] = OrtValue.CreateTensorValueFromMemory(values, dims);
        }
        var queryWidth = c.Packed ? hidden + 2 * kvHidden : hidden;
        Feed("query", Values(random, b * s * queryWidth), b, s, queryWidth);
        node.Input.Add("query");
        if (c.Packed)
        {
            node.Input.Add(["", ""]);
        }
        else
        {
            Feed("key", Values(random, b * s * kvHidden), b, s, kvHidden);
            Feed("value", Values(random, b * s * kvHidden), b, s, kvHidden);
            node.Input.Add(["key", "value"]);
        }
        if (p > 0 || c.WithPastInput)
        {
            Feed("past_key", Values(random, b * c.KvHeads * p * HeadSize), b, c.KvHeads, p, HeadSize);
            Feed("past_value", Values(random, b * c.KvHeads * p * HeadSize), b, c.KvHeads, p, HeadSize);
            node.Input.Add(["past_key", "past_value"]);
        }
        else
        {
            node.Input.Add(["", ""]);
        }
        inputs.Add(TinyModels.Tensor("seqlens_k", DataType.Int32, b));
        inputs.Add(TinyModels.Tensor("total_sequence_length", DataType.Int32));
        feeds["seqlens_k"] = OrtValue.CreateTensorValueFromMemory(c.Lengths.Select(l => l - 1).ToArray(), [b]);
        feeds["total_sequence_length"] = OrtValue.CreateTensorValueFromMemory(new[] { c.Lengths.Max() }, []);
        node.Input.Add(["seqlens_k", "total_sequence_length"]);
        var model = TinyModels.Single(node, inputs,
            [TinyModels.Tensor("y", DataType.Float, b, s, hidden), TinyModels.Tensor("present_key", DataType.Float, b, c.KvHeads, p + s, HeadSize),
                TinyModels.Tensor("present_value", DataType.Float, b, c.KvHeads, p + s, HeadSize)],
            ("", c.Opset), ("com.microsoft", 1));
        return (model, feeds);
    }

    private static float[] Values(Random random, int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
}
