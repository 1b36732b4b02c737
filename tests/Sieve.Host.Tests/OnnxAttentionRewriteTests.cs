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

/// <summary>
/// ONNX <c>Attention</c> (opsets 23 and 24) becomes one <c>ai.sieve::Attention</c> node that gives what ORT's own CPU
/// kernel gives. Without past_key/past_value or nonpad_kv_seqlen, <c>is_causal</c> aligns the mask top-left (query i
/// sees keys 0..i, whatever the key length), as the spec's reference and ORT 1.31 do; the kernels' default is
/// bottom-right (query i sees keys up to i + T − S), so the node carries a causal offset of 0. Each case is also checked
/// against a naive reference, so what ORT does is pinned here. Inputs the node cannot honour are refused with the reason.
/// </summary>
public class OnnxAttentionRewriteTests
{
    private const int HeadSize = 8;

    /// <summary>
    /// Masks of the cases (ORT 1.31 wants the query axis, dimension −2, equal to S): none; bool [B, 1, S, T] and
    /// additive float [B, 1, S, T] that keep keys below the row's length on every query; additive float [S, T] (per
    /// query, shared by the batch) that keeps keys below the query's length.
    /// </summary>
    public enum MaskKind
    {
        None,
        BoolKeyPadding,
        FloatKeyPadding,
        FloatPerQuery2D,
    }

    /// <summary>One case: 3-D inputs when <paramref name="Packed"/> (q_num_heads/kv_num_heads), else 4-D.</summary>
    public sealed record AttentionCase(string Name, int Batch, int Queries, int Keys, int Heads, int KvHeads, bool Causal, bool Packed = false, long Opset = 23, float Scale = 0f, MaskKind Mask = MaskKind.None)
    {
        /// <summary>Valid keys per batch row (per query for <see cref="MaskKind.FloatPerQuery2D"/>); all keys when null.</summary>
        public int[]? Lengths { get; init; }

        public override string ToString() => Name;
    }

    public static TheoryData<AttentionCase> Cases => new()
    {
        new AttentionCase("4-D causal, 3 queries over 7 keys", 2, 3, 7, 2, 2, true),
        new AttentionCase("4-D causal, 3 queries over 7 keys, opset 24", 2, 3, 7, 2, 2, true, Opset: 24),
        new AttentionCase("4-D causal, 1 query over 5 keys", 2, 1, 5, 2, 2, true),
        new AttentionCase("4-D causal, square", 2, 5, 5, 2, 2, true),
        new AttentionCase("4-D not causal, 3 queries over 7 keys", 2, 3, 7, 2, 2, false),
        new AttentionCase("3-D grouped 4/2 causal, 2 queries over 6 keys", 2, 2, 6, 4, 2, true, Packed: true, Scale: 0.3f),
        new AttentionCase("3-D grouped 4/2 causal, 4 queries over 9 keys, opset 24", 2, 4, 9, 4, 2, true, Packed: true, Opset: 24),
        new AttentionCase("4-D causal with bool key padding, 3 queries over 7 keys", 2, 3, 7, 2, 2, true, Mask: MaskKind.BoolKeyPadding) { Lengths = [7, 4] },
        new AttentionCase("4-D causal with float key padding, 3 queries over 7 keys", 2, 3, 7, 2, 2, true, Mask: MaskKind.FloatKeyPadding) { Lengths = [6, 7] },
        new AttentionCase("4-D not causal with bool key padding, 3 queries over 7 keys", 2, 3, 7, 2, 2, false, Mask: MaskKind.BoolKeyPadding) { Lengths = [5, 7] },
        new AttentionCase("3-D grouped 4/2 not causal with bool key padding, 2 queries over 6 keys", 2, 2, 6, 4, 2, false, Packed: true, Mask: MaskKind.BoolKeyPadding) { Lengths = [6, 3] },
        new AttentionCase("4-D causal with a 2-D mask [S, T] per query, batch 2 = S", 2, 2, 7, 2, 2, true, Mask: MaskKind.FloatPerQuery2D) { Lengths = [6, 7] },
        new AttentionCase("4-D not causal with a 2-D mask [S, T] per query, batch 2 = S", 2, 2, 7, 2, 2, false, Mask: MaskKind.FloatPerQuery2D) { Lengths = [6, 7] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rewrite_OnnxAttention_WithDenseGivesOnnxRuntimesOutput(AttentionCase c)
    {
        using var folder = new TempFolder();
        var (model, feeds, q, k, v) = Build(c, new Random(c.Name.Length));
        var path = TinyModels.Save(model, folder, "attention.onnx");
        var (matches, unsupported) = AttentionFinder.Find(model);
        Assert.Empty(unsupported);
        Assert.Equal(c.Causal, Assert.Single(matches).Attributes.Causal);

        float[] expected;
        using (var session = new InferenceSession(path))
        using (var outputs = session.Run(new RunOptions(), feeds.Keys.ToList(), feeds.Values.ToList(), ["y"]))
        {
            expected = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        // What ORT does, pinned: causal top-left (offset 0) without a cache.
        AttentionTesting.AssertClose(Reference(c, q, k, v, causalOffset: 0), expected, $"{c.Name}: ORT against the top-left reference");

        using var rewritten = ModelSessionFactory.Create(path, "test", [AttentionTesting.Dense(folder)], EmptyServices.Instance);
        Assert.Contains("attention=dense (built-in) on 1 nodes", rewritten.OperatorSummary, StringComparison.Ordinal);
        using var actual = rewritten.Run(new RunOptions(), feeds.Keys.ToList(), feeds.Values.ToList(), ["y"]);
        AttentionTesting.AssertClose(expected, actual[0].GetTensorDataAsSpan<float>().ToArray(), $"{c.Name}: ORT against Sieve");
    }

    [Fact]
    public void OnnxRuntime_CausalWithPastKeyValue_AlignsQueriesAfterThePast()
    {
        // ORT's own kernel, for the record (the rewrite refuses a past, see below): query i sees keys up to P + i, with P
        // the past length, here with 2 new keys for 2 queries after a past of 3.
        using var folder = new TempFolder();
        var c = new AttentionCase("past", 1, 2, 5, 2, 2, true);
        var (model, feeds, q, k, v) = Build(c, new Random(5), past: 3);
        using var session = new InferenceSession(TinyModels.Save(model, folder, "past.onnx"));
        using var outputs = session.Run(new RunOptions(), feeds.Keys.ToList(), feeds.Values.ToList(), ["y", "present_key", "present_value"]);
        AttentionTesting.AssertClose(Reference(c, q, k, v, causalOffset: 3), outputs[0].GetTensorDataAsSpan<float>().ToArray(), "ORT with a past of 3");
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "past", "past_key/past_value (a KV cache inside the node) are not supported" },
        { "nonpad_kv_seqlen", "nonpad_kv_seqlen (opset 24) is not supported" },
        { "present", "present_key/present_value and qk_matmul_output outputs are not supported" },
        { "softcap", "softcap 30 is not supported" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Find_OnnxAttentionItCannotTake_ListsItWithTheReason(string variant, string reason)
    {
        using var folder = new TempFolder();
        var c = new AttentionCase("refused", 1, 2, 5, 2, 2, true, Opset: 24);
        var (model, _, _, _, _) = Build(c, new Random(3), past: variant is "past" or "present" ? 3 : 0);
        var node = model.Graph.Node[0];
        switch (variant)
        {
            case "past":
                node.Output.RemoveAt(2);
                node.Output.RemoveAt(1);
                model.Graph.Output.RemoveAt(2);
                model.Graph.Output.RemoveAt(1);
                break;
            case "present":
                node.Input.RemoveAt(5);
                node.Input.RemoveAt(4);
                model.Graph.Input.RemoveAt(model.Graph.Input.Count - 1);
                model.Graph.Input.RemoveAt(model.Graph.Input.Count - 1);
                break;
            case "nonpad_kv_seqlen":
                node.Input.Add("");
                node.Input.Add("");
                node.Input.Add("");
                node.Input.Add("lengths");
                model.Graph.Input.Add(TinyModels.Tensor("lengths", DataType.Int64, 1));
                break;
            default:
                node.Attribute.Add(TinyModels.Float("softcap", 30f));
                break;
        }
        var (matches, unsupported) = AttentionFinder.Find(model);
        Assert.Empty(matches);
        var refused = Assert.Single(unsupported);
        Assert.Equal("Attention 'attention'", refused.Node);
        Assert.Contains(reason, refused.Reason, StringComparison.Ordinal);
        var error = Assert.Throws<SieveException>(() => ModelSessionFactory.Create(TinyModels.Save(model, folder, "refused.onnx"), "test", [AttentionTesting.Dense(folder)], EmptyServices.Instance).Dispose());
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }


    /// <summary>
    /// A model of one Attention node 'attention' and random feeds for it, with the heads-first query, key and value
    /// ([B, H, S, D], [B, kvH, T, D]; with a past, the key and value are past then new) for the reference.
    /// </summary>
    private static (ModelProto Model, Dictionary<string, OrtValue> Feeds, float[] Q, float[] K, float[] V) Build(AttentionCase c, Random random, int past = 0)
    {
        float[] Values(long count) => Enumerable.Range(0, (int)count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var (b, s, t, h, kvh) = (c.Batch, c.Queries, c.Keys, c.Heads, c.KvHeads);
        var newKeys = t - past;
        var q = Values((long)b * h * s * HeadSize);
        var k = Values((long)b * kvh * t * HeadSize);
        var v = Values((long)b * kvh * t * HeadSize);
        var node = new NodeProto { OpType = "Attention", Name = "attention", Input = { "q", "k", "v" }, Output = { "y" } };
        if (c.Causal)
        {
            node.Attribute.Add(TinyModels.Int("is_causal", 1));
        }
        if (c.Scale > 0)
        {
            node.Attribute.Add(TinyModels.Float("scale", c.Scale));
        }
        long[] qShape, kShape, yShape;
        var feeds = new Dictionary<string, OrtValue>();
        if (c.Packed)
        {
            node.Attribute.Add(TinyModels.Int("q_num_heads", h));
            node.Attribute.Add(TinyModels.Int("kv_num_heads", kvh));
            (qShape, kShape, yShape) = ([b, s, h * HeadSize], [b, newKeys, kvh * HeadSize], [b, s, h * HeadSize]);
            feeds["q"] = Tensor(Pack(q, b, h, s, 0, s), qShape);
            feeds["k"] = Tensor(Pack(k, b, kvh, t, past, newKeys), kShape);
            feeds["v"] = Tensor(Pack(v, b, kvh, t, past, newKeys), kShape);
        }
        else
        {
            (qShape, kShape, yShape) = ([b, h, s, HeadSize], [b, kvh, newKeys, HeadSize], [b, h, s, HeadSize]);
            feeds["q"] = Tensor(q, qShape);
            feeds["k"] = Tensor(Slice(k, b * kvh, t, past, newKeys), kShape);
            feeds["v"] = Tensor(Slice(v, b * kvh, t, past, newKeys), kShape);
        }
        var inputs = new List<ValueInfoProto> { TinyModels.Tensor("q", DataType.Float, qShape), TinyModels.Tensor("k", DataType.Float, kShape), TinyModels.Tensor("v", DataType.Float, kShape) };
        var outputs = new List<ValueInfoProto> { TinyModels.Tensor("y", DataType.Float, yShape) };
        if (c.Mask != MaskKind.None)
        {
            var lengths = c.Lengths ?? Enumerable.Repeat(t, b).ToArray();
            node.Input.Add("mask");
            if (c.Mask == MaskKind.BoolKeyPadding)
            {
                var mask = new bool[b * s * t];
                for (var i = 0; i < mask.Length; i++)
                {
                    mask[i] = i % t < lengths[i / (s * t)];
                }
                inputs.Add(TinyModels.Tensor("mask", DataType.Bool, b, 1, s, t));
                feeds["mask"] = OrtValue.CreateTensorValueFromMemory(mask, [b, 1, s, t]);
            }
            else
            {
                var perQuery = c.Mask == MaskKind.FloatPerQuery2D;
                var mask = new float[(perQuery ? 1 : b) * s * t];
                for (var i = 0; i < mask.Length; i++)
                {
                    mask[i] = i % t < lengths[perQuery ? i / t : i / (s * t)] ? 0f : float.NegativeInfinity;
                }
                long[] shape = perQuery ? [s, t] : [b, 1, s, t];
                inputs.Add(TinyModels.Tensor("mask", DataType.Float, shape));
                feeds["mask"] = Tensor(mask, shape);
            }
        }
        if (past > 0)
        {
            while (node.Input.Count < 4)
            {
                node.Input.Add("");
            }
            node.Input.Add("past_key");
            node.Input.Add("past_value");
            node.Output.Add("present_key");
            node.Output.Add("present_value");
            long[] pastShape = [b, kvh, past, HeadSize];
            inputs.Add(TinyModels.Tensor("past_key", DataType.Float, pastShape));
            inputs.Add(TinyModels.Tensor("past_value", DataType.Float, pastShape));
            outputs.Add(TinyModels.Tensor("present_key", DataType.Float, b, kvh, t, HeadSize));
            outputs.Add(TinyModels.Tensor("present_value", DataType.Float, b, kvh, t, HeadSize));
            feeds["past_key"] = Tensor(Slice(k, b * kvh, t, 0, past), pastShape);
            feeds["past_value"] = Tensor(Slice(v, b * kvh, t, 0, past), pastShape);
        }
        return (TinyModels.Single(node, inputs, outputs, ("", c.Opset)), feeds, q, k, v);
    }

    private static OrtValue Tensor(float[] values, long[] shape) => OrtValue.CreateTensorValueFromMemory(values, shape);

    /// <summary>Positions [from, from + count) of the sequence axis of a [rows, length, D] tensor.</summary>
    private static float[] Slice(float[] x, int rows, int length, int from, int count)
    {
        var result = new float[rows * count * HeadSize];
        for (var r = 0; r < rows; r++)
        {
            Array.Copy(x, ((r * length) + from) * HeadSize, result, r * count * HeadSize, count * HeadSize);
        }
        return result;
    }

    /// <summary>Positions [from, from + count) of a heads-first [B, H, length, D] tensor as packed [B, count, H·D].</summary>
    private static float[] Pack(float[] x, int batch, int heads, int length, int from, int count)
    {
        var result = new float[batch * count * heads * HeadSize];
        for (var b = 0; b < batch; b++)
        {
            for (var h = 0; h < heads; h++)
            {
                for (var i = 0; i < count; i++)
                {
                    Array.Copy(x, (((b * heads) + h) * length + from + i) * HeadSize, result, (((b * count) + i) * heads + h) * HeadSize, HeadSize);
                }
            }
        }
        return result;
    }

    /// <summary>
    /// Naive attention in double: query i of row b sees key j when j ≤ i + <paramref name="causalOffset"/> (if causal) and
    /// j is below the row's (or, for a 2-D mask, the query's) length; query head n uses key head n / (H / kvH). Output in the node's layout.
    /// </summary>
    private static float[] Reference(AttentionCase c, float[] q, float[] k, float[] v, int causalOffset)
    {
        var (batch, s, t, h, kvh) = (c.Batch, c.Queries, c.Keys, c.Heads, c.KvHeads);
        var scale = c.Scale > 0 ? c.Scale : 1 / Math.Sqrt(HeadSize);
        var output = new float[batch * h * s * HeadSize];
        var weights = new double[t];
        for (var b = 0; b < batch; b++)
        {
            for (var n = 0; n < h; n++)
            {
                var kn = n / (h / kvh);
                for (var i = 0; i < s; i++)
                {
                    var length = c.Mask == MaskKind.None || c.Lengths is null ? t : c.Lengths[c.Mask == MaskKind.FloatPerQuery2D ? i : b];
                    var max = double.NegativeInfinity;
                    for (var j = 0; j < t; j++)
                    {
                        var seen = j < length && (!c.Causal || j <= i + causalOffset);
                        var dot = 0.0;
                        for (var d = 0; d < HeadSize; d++)
                        {
                            dot += q[(((b * h) + n) * s + i) * HeadSize + d] * (double)k[(((b * kvh) + kn) * t + j) * HeadSize + d];
                        }
                        weights[j] = seen ? dot * scale : double.NegativeInfinity;
                        max = Math.Max(max, weights[j]);
                    }
                    var sum = 0.0;
                    for (var j = 0; j < t; j++)
                    {
                        weights[j] = Math.Exp(weights[j] - max);
                        sum += weights[j];
                    }
                    for (var d = 0; d < HeadSize; d++)
                    {
                        var y = 0.0;
                        for (var j = 0; j < t; j++)
                        {
                            y += weights[j] / sum * v[(((b * kvh) + kn) * t + j) * HeadSize + d];
                        }
                        var at = c.Packed ? (((b * s) + i) * h + n) * HeadSize + d : (((b * h) + n) * s + i) * HeadSize + d;
                        output[at] = (float)y;
                    }
                }
            }
        }
        return output;
    }
}
