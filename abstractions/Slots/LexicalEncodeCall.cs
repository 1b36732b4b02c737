using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>One <see cref="ILexicalEncoder.Encode"/> call (contract 4.0). Borrowed for the call.</summary>
[Experimental("SIEVE001")]
public readonly ref struct LexicalEncodeCall
{
    /// <summary>
    /// [batch, sequence, hiddenSize] on the host, or on CUDA for implementations built with the host's
    /// <see cref="IGpuDevice"/>. Rows at or after a sequence's length are padding and are never read for the result.
    /// </summary>
    public required TensorView<float> Hidden { get; init; }

    /// <summary>Valid tokens per sequence (the rest is padding), each in [0, sequence]; length = batch.</summary>
    public required ReadOnlySpan<int> Lengths { get; init; }

    /// <summary>One vector per sequence (length = batch), each overwritten by the call; a sequence of length 0 gets an empty vector.</summary>
    public required Span<SparseVector> Output { get; init; }
}
