namespace Sieve.Abstractions;

/// <summary>
/// Implemented by an in-graph slot's implementation that brings its own graph pass instead of the host's pass for the
/// slot (for example a weight quantizer that replaces MatMul nodes its own way). The host asks once per model load.
/// </summary>
public interface IGraphPassProvider
{
    /// <summary>Creates the pass for one model load.</summary>
    IGraphPass CreateGraphPass(GraphPassContext context);
}
