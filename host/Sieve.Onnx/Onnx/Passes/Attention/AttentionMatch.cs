using Sieve.Host.Onnx.Proto;

namespace Sieve.Host.Onnx.Passes.Attention;

/// <summary>
/// One attention the rewriter can replace: the nodes it covers, its inputs and output, and the new node's attributes.
/// <paramref name="KeyTranspose"/>: the exporter's Transpose(0, 2, 3, 1) that makes Kᵀ and feeds only this attention;
/// the rewriter changes it to (0, 2, 1, 3) so the key arrives as [B, H, T, D] with no extra copy.
/// <paramref name="Prelude"/>: new nodes the rewriter inserts, in order, just before the new node, e.g. the MatMul →
/// Add → Split that take over the Q/K/V projection of a fused <c>com.microsoft::Attention</c>; they produce query, key
/// and value from tensors that exist before <paramref name="Nodes"/>.
/// <paramref name="Epilogue"/>: new nodes the rewriter inserts, in order, just after the new node, which then writes
/// <paramref name="Output"/> for them to read, e.g. the Transpose → Reshape that bring a heads-first output back to the
/// replaced node's [B, S, H·D] output (whose name the last of them takes).
/// </summary>
internal sealed record AttentionMatch(
    string Pattern,
    IReadOnlyList<NodeProto> Nodes,
    string Query,
    string Key,
    string Value,
    string? Mask,
    string Output,
    AttentionNodeAttributes Attributes,
    NodeProto? KeyTranspose = null,
    IReadOnlyList<NodeProto>? Prelude = null,
    IReadOnlyList<NodeProto>? Epilogue = null)
{
    public string Describe() =>
        $"layer {Attributes.Layer}: {Pattern} [{string.Join(", ", Nodes.Select(n => n.Name.Length > 0 ? n.Name : n.OpType))}] " +
        (Prelude is { Count: > 0 } ? $"inserted {string.Join(" → ", Prelude.Select(n => n.OpType))}, " : "") +
        (Epilogue is { Count: > 0 } ? $"then {string.Join(" → ", Epilogue.Select(n => n.OpType))}, " : "") +
        $"heads {Known(Attributes.QueryHeads)}, kv heads {Known(Attributes.KeyValueHeads)}, head size {Known(Attributes.HeadSize)}, " +
        $"scale {(Attributes.Scale > 0 ? Attributes.Scale.ToString("G4", System.Globalization.CultureInfo.InvariantCulture) : "1/sqrt(head size)")}, " +
        $"{(!Attributes.Causal ? "not causal" : Attributes.CausalOffset is 0 ? "causal (top-left)" : Attributes.CausalOffset is { } offset ? $"causal (offset {offset})" : "causal")}, mask {(Mask is null ? "none" : Mask)}";

    private static string Known(int value) => value > 0 ? value.ToString(System.Globalization.CultureInfo.InvariantCulture) : "(at run time)";
}
