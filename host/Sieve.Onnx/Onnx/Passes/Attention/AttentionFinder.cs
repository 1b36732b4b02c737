using Sieve.Host.Onnx.Graph;
using Sieve.Host.Onnx.Proto;

namespace Sieve.Host.Onnx.Passes.Attention;

/// <summary>
/// Finds the attentions of a graph that <c>ai.sieve::Attention</c> can replace, in graph order (the order gives the
/// layer index): the exporter pattern MatMul(Q, Kᵀ) → Div/Mul by a constant → Add(mask) → Softmax → MatMul(V);
/// <c>com.microsoft::MultiHeadAttention</c>; ONNX <c>Attention</c> (opset 23+, see <c>AttentionFinder.OnnxAttention.cs</c>:
/// causal top-left, mask brought to [B, H, S, T]); and the fused
/// <c>com.microsoft::Attention</c>, whose Q/K/V projection moves into MatMul → Add → Split nodes inserted before the new
/// node (see <c>AttentionFinder.ContribAttention.cs</c> for what it refuses); each without a past KV cache. And
/// <c>com.microsoft::GroupQueryAttention</c>, whose layouts and KV cache (Concat of past and new) move into plain ONNX
/// nodes around a heads-first node (see <c>AttentionFinder.GroupQueryAttention.cs</c>: no rotary, local window, softcap
/// or smooth softmax). Attention nodes it cannot replace (<c>SparseAttention</c>, <c>PackedMultiHeadAttention</c>,
/// <c>PagedAttention</c>, and the supported kinds with a past, bias or other inputs the kernel lacks) are reported with
/// the reason.
/// </summary>
internal static partial class AttentionFinder
{
    public static (List<AttentionMatch> Matches, List<UnsupportedAttention> Unsupported) Find(ModelProto model)
    {
        var index = new GraphIndex(model.Graph);
        var matches = new List<AttentionMatch>();
        var unsupported = new List<UnsupportedAttention>();
        var defaultOpset = model.OpsetImport.FirstOrDefault(o => o.Domain.Length == 0)?.Version ?? 0;
        foreach (var node in model.Graph.Node)
        {
            var layer = matches.Count;
            string? reason = null;
            AttentionMatch? match = (node.Domain, node.OpType) switch
            {
                ("", "Softmax") => ExporterPattern(index, node, layer, defaultOpset),
                ("com.microsoft", "MultiHeadAttention") => MultiHeadAttention(node, layer, out reason),
                ("" or "ai.onnx", "Attention") => OnnxAttention(index, node, layer, out reason),
                ("com.microsoft", "Attention") => ContribAttention(index, node, layer, defaultOpset, out reason),
                ("com.microsoft", "GroupQueryAttention") => GroupQueryAttention(index, node, layer, defaultOpset, out reason),
                ("com.microsoft", "SparseAttention" or "PackedMultiHeadAttention" or "PagedAttention") =>
                    Refuse($"com.microsoft::{node.OpType} is not substituted yet (its projections, rotary embedding or KV cache live inside the node)", out reason),
                _ => null,
            };
            if (match is not null)
            {
                matches.Add(match);
            }
            else if (reason is not null)
            {
                unsupported.Add(new UnsupportedAttention(NameOf(node), reason));
            }
        }
        return (matches, unsupported);
    }

    private static AttentionMatch? Refuse(string why, out string reason)
    {
        reason = why;
        return null;
    }

    private static string NameOf(NodeProto node) => $"{(node.Domain.Length > 0 ? node.Domain + "::" : "")}{node.OpType} '{node.Name}'";

    private static AttentionMatch? ExporterPattern(GraphIndex index, NodeProto softmax, int layer, long opset)
    {
        var axis = softmax.Attribute.FirstOrDefault(a => a.Name == "axis");
        if ((axis is null && opset < 13) || (axis is not null && axis.I != -1 && axis.I != 3))
        {
            return null;
        }
        if (index.Consumers(softmax.Output[0]) is not [{ OpType: "MatMul" } weighted] || weighted.Input[0] != softmax.Output[0]
            || !index.OnlyFeeds(softmax.Output[0], weighted))
        {
            return null;
        }
        var nodes = new List<NodeProto> { softmax, weighted };
        var current = index.Producer(softmax.Input[0]);
        string? mask = null;
        if (current is { OpType: "Add" } add && index.OnlyFeeds(add.Output[0], softmax))
        {
            var scoreSide = add.Input.FirstOrDefault(i => index.Producer(i) is { OpType: "Div" or "Mul" or "MatMul" });
            if (scoreSide is null)
            {
                return null;
            }
            mask = add.Input.First(i => i != scoreSide);
            nodes.Add(add);
            current = index.Producer(scoreSide);
        }
        var scale = 1f;
        if (current is { OpType: "Div" or "Mul" } scaling)
        {
            var constant = scaling.Input.Select(i => (Name: i, Value: index.Constant(i))).FirstOrDefault(c => c.Value is [_]);
            var other = scaling.Input.FirstOrDefault(i => i != constant.Name);
            if (constant.Value is null || other is null || (scaling.OpType == "Div" && scaling.Input[1] != constant.Name)
                || !index.OnlyFeeds(scaling.Output[0], nodes[^1]))
            {
                return null;
            }
            scale = scaling.OpType == "Div" ? (float)(1 / constant.Value[0]) : (float)constant.Value[0];
            nodes.Add(scaling);
            current = index.Producer(other);
        }
        if (current is not { OpType: "MatMul" } scores || !index.OnlyFeeds(scores.Output[0], nodes[^1]))
        {
            return null;
        }
        nodes.Add(scores);
        var (heads, headSize) = HeadsOf(index, scores.Input[0]);
        var (key, value) = (scores.Input[1], weighted.Input[1]);
        NodeProto? keyTranspose = null;
        var keyTransposed = true;
        if (index.Producer(key) is { OpType: "Transpose" } transpose && index.OnlyFeeds(transpose.Output[0], scores)
            && transpose.Attribute.FirstOrDefault(a => a.Name == "perm")?.Ints is { } perm)
        {
            if (perm is [0, 2, 3, 1])
            {
                keyTranspose = transpose;
                keyTransposed = false;
            }
            else if (SwapsLastTwo(perm))
            {
                // Kᵀ = Transpose(K) swapping the last two axes: the node reads K itself and the Transpose goes.
                nodes.Add(transpose);
                key = transpose.Input[0];
                keyTransposed = false;
                if (perm.Count == 5 && UnsqueezedAtAxis2(index, key, transpose) is { } keyUnsqueeze
                    && UnsqueezedAtAxis2(index, value, weighted) is { } valueUnsqueeze)
                {
                    // Grouped-query attention: Q [B, kvH, G, T, D] against K and V [B, kvH, 1, S, D], unsqueezed from
                    // [B, kvH, S, D] (often the KV cache's present tensors): the node reads those directly.
                    nodes.Add(keyUnsqueeze);
                    nodes.Add(valueUnsqueeze);
                    key = keyUnsqueeze.Input[0];
                    value = valueUnsqueeze.Input[0];
                }
            }
        }
        var attributes = new AttentionNodeAttributes(AttentionNodeAttributes.HeadsFirst, keyTransposed, heads, heads, headSize, scale, Causal: false, layer);
        return new AttentionMatch("MatMul-Softmax-MatMul", nodes, scores.Input[0], key, value, mask, weighted.Output[0], attributes, keyTranspose);
    }

    private static bool SwapsLastTwo(Google.Protobuf.Collections.RepeatedField<long> perm)
    {
        if (perm.Count < 3 || perm[^1] != perm.Count - 2 || perm[^2] != perm.Count - 1)
        {
            return false;
        }
        for (var i = 0; i < perm.Count - 2; i++)
        {
            if (perm[i] != i)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The Unsqueeze(x, axes = [2]) that makes <paramref name="tensor"/> and feeds only <paramref name="consumer"/>, or null.</summary>
    private static NodeProto? UnsqueezedAtAxis2(GraphIndex index, string tensor, NodeProto consumer)
    {
        if (index.Producer(tensor) is not { OpType: "Unsqueeze" } unsqueeze || !index.OnlyFeeds(tensor, consumer))
        {
            return null;
        }
        var axes = unsqueeze.Input.Count > 1 ? index.Constant(unsqueeze.Input[1]) : unsqueeze.Attribute.FirstOrDefault(a => a.Name == "axes")?.Ints.Select(i => (double)i).ToArray();
        return axes is [2] ? unsqueeze : null;
    }

    /// <summary>Heads and head size of a [B, H, S, D] query made by Reshape(x, [.., .., H, D]) → Transpose(0, 2, 1, 3), if constant.</summary>
    private static (int Heads, int HeadSize) HeadsOf(GraphIndex index, string query)
    {
        if (index.Producer(query) is not { OpType: "Transpose" } transpose || index.Producer(transpose.Input[0]) is not { OpType: "Reshape" } reshape)
        {
            return (0, 0);
        }
        var shape = index.Constant(reshape.Input[1]);
        if (shape is null && index.Producer(reshape.Input[1]) is { OpType: "Concat" } concat && concat.Input.Count == 4)
        {
            var last = index.Constant(concat.Input[2]);
            var size = index.Constant(concat.Input[3]);
            shape = last is [var h] && size is [var d] ? [0, 0, h, d] : null;
        }
        return shape is [_, _, > 0 and var heads, > 0 and var headSize] ? ((int)heads, (int)headSize) : (0, 0);
    }

    private static AttentionMatch? MultiHeadAttention(NodeProto node, int layer, out string? reason)
    {
        reason = null;
        string Input(int i) => i < node.Input.Count ? node.Input[i] : "";
        if (Input(1).Length == 0 || Input(2).Length == 0)
        {
            return Refuse("packed QKV (no separate key and value inputs) is not supported", out reason);
        }
        if (Input(3).Length > 0 || Input(5).Length > 0 || Input(6).Length > 0 || Input(7).Length > 0 || node.Input.Count > 8)
        {
            return Refuse("bias, attention bias and past key/value inputs are not supported", out reason);
        }
        if (node.Output.Skip(1).Any(o => o.Length > 0))
        {
            return Refuse("present key/value or qk outputs are not supported", out reason);
        }
        var heads = (int)(node.Attribute.FirstOrDefault(a => a.Name == "num_heads")?.I ?? 0);
        if (heads <= 0)
        {
            return Refuse("num_heads is missing", out reason);
        }
        var scale = node.Attribute.FirstOrDefault(a => a.Name == "scale")?.F ?? 0f;
        var causal = (node.Attribute.FirstOrDefault(a => a.Name == "unidirectional")?.I ?? 0) != 0;
        var attributes = new AttentionNodeAttributes(AttentionNodeAttributes.HeadsPacked, false, heads, heads, 0, scale, causal, layer);
        return new AttentionMatch("com.microsoft::MultiHeadAttention", [node], Input(0), Input(1), Input(2), Input(4).Length > 0 ? Input(4) : null, node.Output[0], attributes);
    }
}
