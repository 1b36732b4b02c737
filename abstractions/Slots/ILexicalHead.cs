using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>
/// Maps encoder hidden states to vocabulary weights, <c>w[v] = max_s log(1 + relu(h_s · W_v + b_v))</c>, kept sparse
/// (SPLADE-style lexical retrieval). The head is bound once to a vocabulary projection, which may be pre-packed;
/// the resulting <see cref="ILexicalEncoder"/> encodes batches. Thread-safe: one instance may bind several projections
/// concurrently.
/// </summary>
[Experimental("SIEVE001")]
public interface ILexicalHead
{
    /// <summary>
    /// Prepares the head for one vocabulary projection (for example by packing <c>W</c> into tiles). Called once per model,
    /// before any record runs.
    /// </summary>
    /// <param name="projection">The projection; the encoder may keep a reference to it (it is immutable).</param>
    /// <returns>An encoder owned by the caller, who disposes it when the model is unloaded.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="projection"/> is <see langword="null"/>.</exception>
    ILexicalEncoder Bind(VocabularyProjection projection);
}
