using Sieve.Abstractions;

namespace Sieve.Host.Onnx.Passes.Attention;

/// <summary>An attention the pass replaces, with what <see cref="AttentionRewriter"/> needs; <paramref name="Note"/> is what
/// the implementation says it will do with the node (<see cref="IDescribesAttentionNodes"/>).</summary>
internal sealed record AttentionPassMatch(AttentionMatch Attention, IReadOnlyList<GraphNode> Nodes, string? Note = null)
    : GraphPassMatch(Nodes, Note is null ? Attention.Describe() : $"{Attention.Describe()} → {Note}");
