using Google.Protobuf;

using Sieve.Host.Onnx.Graph;
using Sieve.Host.Onnx.Proto;
using DataType = Sieve.Host.Onnx.Proto.TensorProto.Types.DataType;

namespace Sieve.Host.Onnx.Passes.Attention;

internal static partial class AttentionFinder
{
    /// <summary>
    /// <c>com.microsoft::GroupQueryAttention</c>: query [B, S, N·H] with key and value [B, S, kvN·H] (or packed QKV
    /// [B, S, (N + 2·kvN)·H]), an optional past KV cache [B, kvN, P, H], seqlens_k (each row's valid total length − 1),
    /// always causal. It becomes plain ONNX nodes around one heads-first <c>ai.sieve::Attention</c>: Reshape → Transpose
    /// of the query, key and value to [B, heads, S, H] (one of each, then Split, when packed); Concat(past, new) on axis 2,
    /// which writes present_key and present_value under the node's own output names; key lengths seqlens_k + 1 as the
    /// mask; and Transpose → Reshape of the output back to [B, S, N·H]. The kernel's grouped-query (query head h reads key
    /// head h / (N / kvN)) and bottom-right causal alignment (query i sees keys up to i + P) are GQA's.
    /// Refused with the reason: rotary embedding (do_rotary, cos_cache, sin_cache, position_ids), local_window_size or a
    /// sliding-window cache, softcap, smooth_softmax, attention_bias, head_sink, a quantized KV cache, Q/K norm weights,
    /// the qk output, causal = 0, element types other than float, a key without a value (or a past key without a past
    /// value), and inputs beyond those known.
    /// ORT writes a row's new keys right after its own valid past (seqlens_k + 1 − S), where Concat puts them after the
    /// whole past buffer: the two agree when there is no past (P = 0, right padding allowed) or when every row is full
    /// (seqlens_k + 1 = P + S). Any other run (a right-padded past, or one shared with present as a fixed-size buffer) is
    /// stopped by a guard node in the graph: a Reshape to an invalid shape whose name says why (see
    /// <see cref="GroupQueryAttentionNodes"/>).
    /// </summary>
    private static AttentionMatch? GroupQueryAttention(GraphIndex index, NodeProto node, int layer, long opset, out string? reason)
    {
        reason = null;
        string Input(int i) => i < node.Input.Count ? node.Input[i] : "";
        string Output(int i) => i < node.Output.Count ? node.Output[i] : "";
        AttributeProto? Attribute(string name) => node.Attribute.FirstOrDefault(a => a.Name == name);
        long Int(string name, long fallback) => Attribute(name)?.I ?? fallback;
        if (Int("do_rotary", 0) != 0 || Input(7).Length > 0 || Input(8).Length > 0 || Input(9).Length > 0)
        {
            return Refuse("do_rotary = 1, cos_cache, sin_cache and position_ids (rotary embedding inside the node) are not supported", out reason);
        }
        if (Int("local_window_size", -1) != -1 || Int("sliding_window_cache", 0) != 0)
        {
            return Refuse($"local_window_size {Int("local_window_size", -1)} (sliding-window attention) is not supported; only -1 (none) is", out reason);
        }
        if ((Attribute("softcap")?.F ?? 0f) != 0f)
        {
            return Refuse($"softcap {Attribute("softcap")!.F.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not supported", out reason);
        }
        if (Int("smooth_softmax", 0) > 0 || Input(11).Length > 0)
        {
            return Refuse("smooth_softmax and head_sink (an extra term in the softmax denominator) are not supported", out reason);
        }
        if (Input(10).Length > 0)
        {
            return Refuse("attention_bias is not supported", out reason);
        }
        if (Input(12).Length > 0 || Input(13).Length > 0 || Quantized(Attribute("k_quant_type")) || Quantized(Attribute("v_quant_type")))
        {
            return Refuse("a quantized KV cache (k_quant_type, v_quant_type, k_scale, v_scale) is not supported", out reason);
        }
        if (Input(14).Length > 0 || Input(15).Length > 0)
        {
            return Refuse("q_norm_weight and k_norm_weight (RMS norm inside the node) are not supported", out reason);
        }
        if (node.Input.Count > 16)
        {
            return Refuse($"{node.Input.Count} inputs: only the 16 of GroupQueryAttention's schema are known", out reason);
        }
        if (Int("qk_output", 0) != 0 || Output(3).Length > 0)
        {
            return Refuse("the output_qk output (qk_output) is not supported", out reason);
        }
        if (Int("causal", 1) != 1)
        {
            return Refuse($"causal = {Int("causal", 1)} (bidirectional) is not supported; GroupQueryAttention is substituted as causal only", out reason);
        }
        var heads = (int)Int("num_heads", 0);
        var kvHeads = (int)Int("kv_num_heads", 0);
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0)
        {
            return Refuse($"num_heads {heads} and kv_num_heads {kvHeads} must be positive, num_heads a multiple of kv_num_heads", out reason);
        }
        if ((Input(1).Length == 0) != (Input(2).Length == 0) || (Input(3).Length == 0) != (Input(4).Length == 0))
        {
            return Refuse("key and value (and past_key and past_value) must be given together", out reason);
        }
        if (Input(5).Length == 0)
        {
            return Refuse("seqlens_k is missing", out reason);
        }
        if (index.ElementType(Input(0)) is { } type && type != DataType.Float)
        {
            return Refuse($"element type {type} is not supported; ai.sieve::Attention takes float", out reason);
        }
        if (opset == 0)
        {
            return Refuse("the model imports no default ONNX opset for the Reshape, Transpose and Concat that take over the KV cache", out reason);
        }
        var packed = Input(1).Length == 0;
        var width = index.Shape(Input(0)) is [_, _, > 0 and var w] ? w : 0;
        var headSize = width % (packed ? heads + 2 * kvHeads : heads) == 0 ? (int)(width / (packed ? heads + 2 * kvHeads : heads)) : 0;
        var scale = Attribute("scale")?.F ?? 0f;
        var attributes = new AttentionNodeAttributes(AttentionNodeAttributes.HeadsFirst, false, heads, kvHeads, headSize, scale, Causal: true, layer);
        var nodes = new GroupQueryAttentionNodes(Output(0) + "/sieve_", opset);
        var (query, key, value) = packed
            ? nodes.HeadsFirstPacked(Input(0), heads, kvHeads, Output(1), Output(2), hasPast: Input(3).Length > 0)
            : (nodes.HeadsFirst(Input(0), heads, "q", ""), nodes.HeadsFirst(Input(1), kvHeads, "k", Input(3).Length > 0 ? "" : Output(1)),
                nodes.HeadsFirst(Input(2), kvHeads, "v", Input(3).Length > 0 ? "" : Output(2)));
        if (Input(3).Length > 0)
        {
            key = nodes.AfterPast(Input(3), key, Output(1), "k");
            value = nodes.AfterPast(Input(4), value, Output(2), "v");
        }
        var mask = nodes.KeyLengths(Input(5), Input(3).Length > 0 ? Input(3) : null, key, NameOf(node));
        var output = nodes.BackToPacked(Output(0));
        return new AttentionMatch("com.microsoft::GroupQueryAttention", [node], query, key, value, mask, output, attributes,
            Prelude: nodes.Prelude, Epilogue: nodes.Epilogue);
    }

    private static bool Quantized(AttributeProto? attribute) => attribute is not null && attribute.S.ToStringUtf8() is not ("" or "NONE");
}
