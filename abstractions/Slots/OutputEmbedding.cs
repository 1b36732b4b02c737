using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>
/// A causal LM's output projection, logits = h · Wᵀ with W [<see cref="VocabularySize"/>, <see cref="HiddenSize"/>]
/// row-major (one row per token; with tied embeddings, the input embedding). Immutable: the caller must not change the
/// memory it passed while a scorer bound to it lives. Thread-safe.
/// </summary>
[Experimental("SIEVE001")]
public sealed class OutputEmbedding
{
    /// <summary>Creates the description over caller-owned memory (not copied).</summary>
    /// <param name="weights">W [vocabularySize × hiddenSize], or empty when the head reads the model's logits.</param>
    /// <param name="vocabularySize">Tokens; at least 1.</param>
    /// <param name="hiddenSize">The model's hidden size (at least 1), or 0 when <paramref name="weights"/> is empty and it is not known.</param>
    /// <param name="modelPath">The model file, for messages and for files that sit beside it.</param>
    /// <exception cref="ArgumentOutOfRangeException">The vocabulary size is less than 1, or the hidden size less than 0.</exception>
    /// <exception cref="ArgumentException"><paramref name="weights"/> is neither empty nor vocabularySize × hiddenSize floats (hiddenSize ≥ 1).</exception>
    public OutputEmbedding(ReadOnlyMemory<float> weights, int vocabularySize, int hiddenSize, string modelPath)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 0);
        ArgumentNullException.ThrowIfNull(modelPath);
        if (!weights.IsEmpty && (hiddenSize == 0 || weights.Length != (long)vocabularySize * hiddenSize))
        {
            throw new ArgumentException($"A [{vocabularySize}, {hiddenSize}] output embedding has {(long)vocabularySize * hiddenSize} weights, got {weights.Length}.", nameof(weights));
        }
        Weights = weights;
        VocabularySize = vocabularySize;
        HiddenSize = hiddenSize;
        ModelPath = modelPath;
    }

    /// <summary>W [<see cref="VocabularySize"/> × <see cref="HiddenSize"/>] row-major, or empty when the head reads logits.</summary>
    public ReadOnlyMemory<float> Weights { get; }

    /// <summary>Tokens (rows of W).</summary>
    public int VocabularySize { get; }

    /// <summary>The hidden size (columns of W); 0 when <see cref="Weights"/> is empty and the host did not need it.</summary>
    public int HiddenSize { get; }

    /// <summary>The model file the embedding comes from.</summary>
    public string ModelPath { get; }
}
