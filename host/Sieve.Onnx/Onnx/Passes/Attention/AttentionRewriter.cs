using Sieve.Abstractions;
using Sieve.Host.Onnx.Graph;
using Sieve.Host.Onnx.Proto;

namespace Sieve.Host.Onnx.Passes.Attention;

/// <summary>
/// Replaces each matched attention with one <c>ai.sieve::Attention</c> node, between the match's inserted nodes if any
/// (prelude before, epilogue after), in a copy of the model; constants only the replaced nodes read are dropped and the
/// <c>ai.sieve</c> opset imported (<see cref="OnnxModelGraph.Finish"/>).
/// </summary>
internal static class AttentionRewriter
{
    public static ModelProto Rewrite(ModelProto model, IReadOnlyList<AttentionMatch> matches)
    {
        var rewritten = model.Clone();
        var graph = rewritten.Graph;
        var original = model.Graph.Node;
        var replaced = new Dictionary<int, List<NodeProto>>();
        var removed = new HashSet<int>();
        var keyTransposes = new Dictionary<int, NodeProto>();
        foreach (var match in matches)
        {
            if (match.KeyTranspose is { } transpose)
            {
                // Kᵀ only fed this attention: make the Transpose produce K ([B, H, T, D]) instead.
                var fixedTranspose = transpose.Clone();
                var perm = fixedTranspose.Attribute.First(a => a.Name == "perm");
                perm.Ints.Clear();
                perm.Ints.Add([0, 2, 1, 3]);
                keyTransposes[original.IndexOf(transpose)] = fixedTranspose;
            }
            var positions = match.Nodes.Select(n => original.IndexOf(n)).ToList();
            removed.UnionWith(positions);
            // The last node of the pattern comes after every input the pattern reads; inserted nodes go just around the new one.
            replaced[positions.Max()] = [.. (match.Prelude ?? []).Select(n => n.Clone()), CreateNode(match), .. (match.Epilogue ?? []).Select(n => n.Clone())];
        }
        graph.Node.Clear();
        for (var i = 0; i < original.Count; i++)
        {
            if (replaced.TryGetValue(i, out var nodes))
            {
                graph.Node.Add(nodes);
            }
            else if (keyTransposes.TryGetValue(i, out var node))
            {
                graph.Node.Add(node);
            }
            else if (!removed.Contains(i))
            {
                graph.Node.Add(original[i].Clone());
            }
        }
        OnnxModelGraph.Finish(rewritten);
        return rewritten;
    }

    private static NodeProto CreateNode(AttentionMatch match)
    {
        var a = match.Attributes;
        var node = new NodeProto
        {
            Name = $"sieve_attention_{a.Layer}",
            OpType = AttentionNodeAttributes.OpType,
            Domain = GraphNode.SieveDomain,
            Input = { match.Query, match.Key, match.Value },
            Output = { match.Output },
            Attribute =
            {
                OnnxAttributes.String("layout", a.Layout),
                OnnxAttributes.Int("key_transposed", a.KeyTransposed ? 1 : 0),
                OnnxAttributes.Int("num_heads", a.QueryHeads),
                OnnxAttributes.Int("kv_num_heads", a.KeyValueHeads),
                OnnxAttributes.Int("head_size", a.HeadSize),
                OnnxAttributes.Float("scale", a.Scale),
                OnnxAttributes.Int("causal", a.Causal ? 1 : 0),
                OnnxAttributes.Int("layer", a.Layer),
            },
        };
        if (a.CausalOffset is { } offset)
        {
            node.Attribute.Add(OnnxAttributes.Int("causal_offset", offset));
        }
        if (match.Mask is not null)
        {
            node.Input.Add(match.Mask);
        }
        return node;
    }
}
