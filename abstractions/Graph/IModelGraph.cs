namespace Sieve.Abstractions;

/// <summary>
/// The ONNX graph of one model while graph passes rewrite it, before any session exists. Nodes are in graph
/// (topological) order. Not thread-safe: passes run one after another on the thread that loads the model.
/// </summary>
public interface IModelGraph
{
    /// <summary>The model file, for messages.</summary>
    string ModelPath { get; }

    /// <summary>The nodes, in graph order; a snapshot that <see cref="Replace"/> refreshes.</summary>
    IReadOnlyList<GraphNode> Nodes { get; }

    /// <summary>The version of <paramref name="domain"/> the model imports (<c>""</c>: the default ONNX domain), or 0.</summary>
    long OpsetVersion(string domain);

    /// <summary>The node that produces <paramref name="tensor"/>, or <see langword="null"/> for graph inputs and initializers.</summary>
    GraphNode? Producer(string tensor);

    /// <summary>The nodes that read <paramref name="tensor"/>, in graph order.</summary>
    IReadOnlyList<GraphNode> Consumers(string tensor);

    /// <summary>Whether <paramref name="tensor"/> is one of the graph's outputs.</summary>
    bool IsGraphOutput(string tensor);

    /// <summary>A constant (initializer or <c>Constant</c> node output) named <paramref name="tensor"/>, if there is one.</summary>
    bool TryGetConstant(string tensor, out GraphConstant constant);

    /// <summary>
    /// Removes <paramref name="nodes"/> and puts <paramref name="replacement"/> where the last of them was (which comes
    /// after every tensor the removed nodes read). Constants that nothing reads any more are dropped when all passes ran.
    /// </summary>
    /// <exception cref="ArgumentException">A node is not (or no longer) in the graph.</exception>
    void Replace(IReadOnlyList<GraphNode> nodes, IReadOnlyList<GraphNode> replacement);
}
