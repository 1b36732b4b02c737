using Sieve.Host.Onnx.Graph;
using Sieve.Host.Onnx.Proto;

namespace Sieve.Host.Onnx.Passes.Attention;

internal static partial class AttentionFinder
{
    /// <summary>ORT's default <c>mask_filter_value</c>.</summary>
    private const float DefaultMaskFilter = -10000f;

    /// <summary>At or below this, a masked key's weight rounds to 0, so dropping the key (as key bounds do) is exact.</summary>
    private const float WeakestMaskFilter = -1000f;

    /// <summary>
    /// The fused <c>com.microsoft::Attention</c>: input [B, S, D_in] × weights [D_in, 3·D] + bias [3·D] (optional), split
    /// on the last axis into Q, K and V [B, S, D], then attention over num_heads heads. It becomes MatMul → Add → Split,
    /// inserted before one <c>ai.sieve::Attention</c> node in the packed layout, causal from <c>unidirectional</c>, with
    /// <c>mask_index</c> as its mask: int32 key lengths [B] or a 0/1 key-padding mask [B, T] (a dummy [B or 1, 1] is
    /// dropped, as ORT does). Refused with the reason: <c>past</c>, <c>past_sequence_length</c>, a <c>present</c> output
    /// or <c>past_present_share_buffer</c> (a KV cache inside the node); <c>attention_bias</c>; <c>do_rotary</c>;
    /// <c>qkv_hidden_sizes</c> whose value size differs from the query's (the node takes one head size); a mask_index
    /// declared as end and start positions [2B] or [3B + 2], per query [B, S, T] or Megatron [B, 1, M, M] (an undeclared
    /// shape is checked at run time by <see cref="MaskReader"/>); and a <c>mask_filter_value</c> above −1000, which
    /// leaves masked keys a weight.
    /// </summary>
    private static AttentionMatch? ContribAttention(GraphIndex index, NodeProto node, int layer, long opset, out string? reason)
    {
        reason = null;
        string Input(int i) => i < node.Input.Count ? node.Input[i] : "";
        AttributeProto? Attribute(string name) => node.Attribute.FirstOrDefault(a => a.Name == name);
        if (Input(4).Length > 0 || Input(6).Length > 0 || node.Output.Skip(1).Any(o => o.Length > 0))
        {
            return Refuse("past, past_sequence_length and present (a KV cache inside the node) are not supported", out reason);
        }
        if ((Attribute("past_present_share_buffer")?.I ?? 0) != 0)
        {
            return Refuse("past_present_share_buffer (a KV cache inside the node) is not supported", out reason);
        }
        if (Input(5).Length > 0)
        {
            return Refuse("attention_bias is not supported", out reason);
        }
        if (Input(1).Length == 0)
        {
            return Refuse("the weights input is missing", out reason);
        }
        if (node.Input.Count > 7)
        {
            return Refuse($"{node.Input.Count} inputs: only input, weights, bias, mask_index, past, attention_bias and past_sequence_length are known", out reason);
        }
        if ((Attribute("do_rotary")?.I ?? 0) != 0)
        {
            return Refuse("do_rotary = 1 (rotary embedding inside the node) is not supported", out reason);
        }
        var heads = (int)(Attribute("num_heads")?.I ?? 0);
        if (heads <= 0)
        {
            return Refuse("num_heads is missing", out reason);
        }
        if (opset == 0)
        {
            return Refuse("the model imports no default ONNX opset for the MatMul and Split that take over the projection", out reason);
        }
        var hidden = -1L;
        if (Attribute("qkv_hidden_sizes")?.Ints is { Count: > 0 } sizes)
        {
            if (sizes is not [var q, var k, var v] || q != k || q % heads != 0)
            {
                return Refuse($"qkv_hidden_sizes [{string.Join(", ", sizes)}] must give equal q and k sizes divisible by num_heads {heads}", out reason);
            }
            if (v != q)
            {
                return Refuse($"qkv_hidden_sizes [{q}, {k}, {v}]: a value hidden size unlike the query's is not supported (ai.sieve::Attention takes one head size for q, k and v)", out reason);
            }
            hidden = q;
        }
        else if (index.Shape(Input(1)) is [_, > 0 and var width] && width % 3 == 0)
        {
            hidden = width / 3;
        }
        var mask = Input(3).Length > 0 ? Input(3) : null;
        if (mask is not null)
        {
            var shape = index.Shape(mask);
            var batch = index.Shape(Input(0)) is [> 0 and var b, ..] ? b : -1;
            if (MaskIndexProblem(shape, batch) is { } problem)
            {
                return Refuse(problem + "; supported are key lengths [batch] and a 0/1 key-padding mask [batch, total sequence]", out reason);
            }
            if (shape is [_, 1])
            {
                mask = null;
            }
        }
        var causal = (Attribute("unidirectional")?.I ?? 0) != 0;
        var filter = Attribute("mask_filter_value")?.F ?? DefaultMaskFilter;
        if ((mask is not null || causal) && filter > WeakestMaskFilter)
        {
            return Refuse($"mask_filter_value {filter.ToString(System.Globalization.CultureInfo.InvariantCulture)} leaves masked keys a weight; only values at or below {WeakestMaskFilter} (weight 0) are supported", out reason);
        }
        var scale = Attribute("scale")?.F ?? 0f;
        var headSize = hidden > 0 && hidden % heads == 0 ? (int)(hidden / heads) : 0;
        var attributes = new AttentionNodeAttributes(AttentionNodeAttributes.HeadsPacked, false, heads, heads, headSize, scale, causal, layer);
        var (prelude, query, key, value) = Projection(node.Output[0] + "/sieve_", Input(0), Input(1), Input(2), opset);
        return new AttentionMatch("com.microsoft::Attention", [node], query, key, value, mask, node.Output[0], attributes, Prelude: prelude);
    }

    /// <summary>Why a mask_index of this declared shape cannot become key bounds, or null (also when undeclared).</summary>
    private static string? MaskIndexProblem(long[]? shape, long batch) => shape switch
    {
        null or [-1] or [_, _] => null,
        [var length] when batch > 0 && length != batch =>
            $"mask_index [{length}] for batch {batch} holds end and start positions ([2·batch] or [3·batch + 2]), which are not supported",
        [_] => null,
        [_, _, _] => "a 3-D mask_index [batch, sequence, total sequence] (a mask per query) is not supported",
        [_, _, _, _] => "a 4-D mask_index (Megatron [batch, 1, max sequence, max sequence]) is not supported",
        _ => $"a {shape.Length}-D mask_index is not supported",
    };

    /// <summary>
    /// MatMul(input, weights) → Add(bias) → Split(axis 2) into three equal parts (q, k and v sizes are equal here):
    /// the nodes, named after <paramref name="prefix"/>, and the packed [B, S, D] query, key and value they make.
    /// </summary>
    private static (List<NodeProto> Nodes, string Query, string Key, string Value) Projection(string prefix, string input, string weights, string bias, long opset)
    {
        var projected = prefix + "qkv";
        var nodes = new List<NodeProto> { new() { Name = prefix + "qkv_matmul", OpType = "MatMul", Input = { input, weights }, Output = { projected } } };
        if (bias.Length > 0)
        {
            nodes.Add(new NodeProto { Name = prefix + "qkv_bias", OpType = "Add", Input = { projected, bias }, Output = { projected + "_biased" } });
            projected += "_biased";
        }
        var (query, key, value) = (prefix + "q", prefix + "k", prefix + "v");
        var split = new NodeProto { Name = prefix + "qkv_split", OpType = "Split", Input = { projected }, Output = { query, key, value }, Attribute = { OnnxAttributes.Int("axis", 2) } };
        if (opset >= 18)
        {
            // Opset 18 asks for either split sizes or num_outputs; before it, no sizes means equal parts.
            split.Attribute.Add(OnnxAttributes.Int("num_outputs", 3));
        }
        nodes.Add(split);
        return (nodes, query, key, value);
    }
}
