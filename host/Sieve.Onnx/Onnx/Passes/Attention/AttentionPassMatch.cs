using Sieve.Abstractions;

namespace Sieve.Host.Onnx.Passes.Attention;

/// <summary>An attention the pass replaces, with what <see cref="AttentionRewriter"/> needs.</summary>
internal sealed record AttentionPassMatch(AttentionMatch Attention, IReadOnlyList<GraphNode> Nodes)
    : GraphPassMatch(Nodes, Attention.Describe());
