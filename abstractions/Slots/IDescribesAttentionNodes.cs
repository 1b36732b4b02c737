using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>
/// An <see cref="IAttention"/> that treats nodes differently (a per-layer policy) says what it will do with one
/// (contract 4.1); <c>sieve inspect</c> prints it beside the node.
/// </summary>
[Experimental("SIEVE001")]
public interface IDescribesAttentionNodes
{
    /// <summary>One short phrase for the node, e.g. <c>reuses layer 1's blocks</c>; null for nothing to add.</summary>
    string? Describe(AttentionShape shape);
}
