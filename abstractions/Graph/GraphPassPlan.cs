namespace Sieve.Abstractions;

/// <summary>What a graph pass would do to a model: the matches it replaces and the candidates it refuses.</summary>
/// <param name="Matches">The node groups the pass replaces, in graph order.</param>
/// <param name="Refusals">Nodes that look like the pass's target but cannot be replaced, each with the reason.</param>
public sealed record GraphPassPlan(IReadOnlyList<GraphPassMatch> Matches, IReadOnlyList<GraphPassRefusal> Refusals)
{
    /// <summary>What the pass looks for, for the message when it finds nothing (e.g. <c>MatMul node with a constant weight</c>).</summary>
    public string LookedFor { get; init; } = "";
}
