namespace Sieve.Abstractions;

/// <summary>
/// Rewrites a model graph for one operator slot before the session is created: finds the nodes the slot replaces,
/// says why others are refused, rewrites the matches, and declares the custom operators the new nodes call. The host
/// runs the passes of a model's active slots in a fixed order (attention, then weight quantization; see
/// docs/architecture.md). A pass instance serves one model load. Not thread-safe.
/// </summary>
public interface IGraphPass
{
    /// <summary>Names the pass in messages and in <c>sieve inspect</c>, e.g. <c>attention/dense</c>.</summary>
    string Name { get; }

    /// <summary>Finds what the pass would replace, without changing the graph.</summary>
    /// <exception cref="NotSupportedException">
    /// The chosen implementation cannot run a node the pass matches (the message says which and why); loading stops.
    /// </exception>
    GraphPassPlan Plan(IModelGraph graph, GraphPassContext context);

    /// <summary>Rewrites every match of <paramref name="plan"/> (made by <see cref="Plan"/> on this graph).</summary>
    void Apply(IModelGraph graph, GraphPassPlan plan);

    /// <summary>The custom operators (<see cref="GraphNode.SieveDomain"/>) that rewritten nodes call; they live as long as the session.</summary>
    IReadOnlyList<CustomOperator> Operators { get; }
}
