using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>
/// Maps encoder hidden states to vocabulary weights, <c>w[v] = max_s log(1 + relu(h_s · W_v + b_v))</c>, kept sparse.
/// Thread-safe.
/// </summary>
[OperatorSlot(OperatorSlots.LexicalHead)]
[Experimental("SIEVE001")]
public interface ILexicalHead
{
    /// <summary>Encodes each sequence of a batch.</summary>
    /// <param name="hidden">[batch, sequence, hiddenSize].</param>
    /// <param name="lengths">Valid tokens per sequence (the rest is padding); length = batch.</param>
    /// <param name="output">One vector per sequence, written by the call.</param>
    void Encode(TensorView<float> hidden, ReadOnlySpan<int> lengths, Span<SparseVector> output);
}
