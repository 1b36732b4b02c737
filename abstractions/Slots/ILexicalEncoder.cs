using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>
/// A lexical head bound to one <see cref="VocabularyProjection"/> (see <see cref="ILexicalHead.Bind"/>). Thread-safe:
/// concurrent <see cref="Encode"/> calls are allowed; <see cref="IDisposable.Dispose"/> must not overlap them. Owned by
/// the caller of <see cref="ILexicalHead.Bind"/>.
/// </summary>
[Experimental("SIEVE001")]
public interface ILexicalEncoder : IDisposable
{
    /// <summary>
    /// Encodes each sequence of a batch: <c>w[v] = max_s log(1 + relu(h_s · W_v + b_v))</c> over the valid tokens
    /// <c>s</c> of the sequence; excluded terms and terms of weight zero are left out.
    /// </summary>
    /// <param name="hidden">
    /// [batch, sequence, hiddenSize] on the host, or on CUDA for implementations built with the host's
    /// <see cref="IGpuDevice"/> (contract 2.1), borrowed for the call. Rows at or after a sequence's length are padding
    /// and are never read for the result.
    /// </param>
    /// <param name="lengths">Valid tokens per sequence (the rest is padding), each in [0, sequence]; length = batch.</param>
    /// <param name="output">One vector per sequence (length = batch), each overwritten by the call; a sequence of length 0 gets an empty vector.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="hidden"/> is not rank 3 or its last dimension differs from the projection's hidden size; a length
    /// is negative or exceeds the sequence dimension; <paramref name="lengths"/> or <paramref name="output"/> does not
    /// have one entry per sequence.
    /// </exception>
    /// <exception cref="InvalidOperationException"><paramref name="hidden"/> is on a device the implementation does not support.</exception>
    /// <exception cref="ObjectDisposedException">The encoder was disposed.</exception>
    void Encode(TensorView<float> hidden, ReadOnlySpan<int> lengths, Span<SparseVector> output);
}
