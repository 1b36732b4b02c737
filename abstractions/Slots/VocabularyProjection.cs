using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>
/// The vocabulary projection of a lexical head: logits <c>h · Wᵀ + b</c> with <c>W</c> [vocabularySize, hiddenSize]
/// row-major, plus the terms that never get a weight (for example <c>[CLS]</c>, <c>[SEP]</c>, <c>[PAD]</c>).
/// Immutable once created: the caller must not change the memory it passed in while any encoder bound to it lives.
/// Thread-safe.
/// </summary>
[Experimental("SIEVE001")]
public sealed class VocabularyProjection
{
    /// <summary>Creates a projection over caller-owned memory (not copied).</summary>
    /// <param name="weights">W, [vocabularySize × hiddenSize] row-major.</param>
    /// <param name="bias">b, of length <paramref name="vocabularySize"/>, or empty for none.</param>
    /// <param name="vocabularySize">Rows of W (terms); at least 1.</param>
    /// <param name="hiddenSize">Columns of W (the encoder's hidden size); at least 1.</param>
    /// <param name="excludedTerms">Term ids that never get a weight, in any order, duplicates allowed; may be empty.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vocabularySize"/> or <paramref name="hiddenSize"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="weights"/> does not hold vocabularySize × hiddenSize floats, <paramref name="bias"/> is neither empty
    /// nor of length vocabularySize, or an excluded term is outside [0, vocabularySize).
    /// </exception>
    public VocabularyProjection(ReadOnlyMemory<float> weights, ReadOnlyMemory<float> bias, int vocabularySize, int hiddenSize,
        ReadOnlyMemory<int> excludedTerms = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        if (weights.Length != (long)vocabularySize * hiddenSize)
        {
            throw new ArgumentException(
                $"A [{vocabularySize}, {hiddenSize}] projection has {(long)vocabularySize * hiddenSize} weights, got {weights.Length}.", nameof(weights));
        }
        if (!bias.IsEmpty && bias.Length != vocabularySize)
        {
            throw new ArgumentException($"The bias must be empty or have {vocabularySize} entries, got {bias.Length}.", nameof(bias));
        }
        foreach (var term in excludedTerms.Span)
        {
            if ((uint)term >= (uint)vocabularySize)
            {
                throw new ArgumentException($"Excluded term {term} is outside the vocabulary [0, {vocabularySize}).", nameof(excludedTerms));
            }
        }
        Weights = weights;
        Bias = bias;
        VocabularySize = vocabularySize;
        HiddenSize = hiddenSize;
        ExcludedTerms = excludedTerms;
    }

    /// <summary>W, [<see cref="VocabularySize"/> × <see cref="HiddenSize"/>] row-major.</summary>
    public ReadOnlyMemory<float> Weights { get; }

    /// <summary>b, of length <see cref="VocabularySize"/>, or empty when the projection has no bias.</summary>
    public ReadOnlyMemory<float> Bias { get; }

    /// <summary>Number of terms (rows of W).</summary>
    public int VocabularySize { get; }

    /// <summary>The hidden size (columns of W).</summary>
    public int HiddenSize { get; }

    /// <summary>Term ids that never get a weight, in any order (validated to lie in the vocabulary).</summary>
    public ReadOnlyMemory<int> ExcludedTerms { get; }
}
