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
    /// <exception cref="ArgumentException">
    /// The hidden states are not rank 3 or their last dimension differs from the projection's hidden size; a length is
    /// negative or exceeds the sequence dimension; the lengths or outputs do not have one entry per sequence.
    /// </exception>
    /// <exception cref="InvalidOperationException">The hidden states are on a device the implementation does not support.</exception>
    /// <exception cref="ObjectDisposedException">The encoder was disposed.</exception>
    void Encode(in LexicalEncodeCall encoding);
}
