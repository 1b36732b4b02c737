namespace Sieve.Abstractions;

/// <summary>One input of a <see cref="CustomOperator"/>.</summary>
/// <param name="ElementType">The element type, or null for any.</param>
/// <param name="Optional">Whether nodes may leave it out.</param>
public sealed record CustomOperatorInput(TensorElementType? ElementType, bool Optional = false);
