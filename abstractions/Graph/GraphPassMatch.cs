namespace Sieve.Abstractions;

/// <summary>One group of nodes a pass replaces. Passes derive from it to keep what their rewrite needs.</summary>
/// <param name="Nodes">The nodes the match covers.</param>
/// <param name="Description">One line for <c>sieve inspect</c>.</param>
public record GraphPassMatch(IReadOnlyList<GraphNode> Nodes, string Description);
