using System.Buffers;
using Sieve.Abstractions;

namespace Sieve.Plugins.Heads;

/// <summary>
/// What both lexical encoders share: the packed projection (released by <see cref="Dispose"/>), the one input check,
/// a pooled [batch, vocabulary] weights buffer, and the choice of kept terms. They differ only in how the weights are
/// computed. Thread-safe.
/// </summary>
internal abstract class PackedLexicalEncoder(PackedVocabulary packed, LexicalHeadOptions options) : ILexicalEncoder
{
    private readonly int[] _excluded = packed.Projection.ExcludedTerms.ToArray();
    private PackedVocabulary? _packed = packed;

    /// <summary>Use Vector256 where the hardware has it; tests turn it off to check the scalar path.</summary>
    internal bool Vectorized { get; init; } = true;

    public void Encode(TensorView<float> hidden, ReadOnlySpan<int> lengths, Span<SparseVector> output)
    {
        var vocabularyPanels = Volatile.Read(ref _packed);
        ObjectDisposedException.ThrowIf(vocabularyPanels is null, this);
        var projection = vocabularyPanels.Projection;
        using var batch = LexicalBatch.Open(hidden, lengths, output, projection);
        var vocabulary = projection.VocabularySize;
        var weights = ArrayPool<float>.Shared.Rent(batch.Batch * vocabulary);
        try
        {
            ComputeWeights(vocabularyPanels, batch, weights);
            for (var b = 0; b < batch.Batch; b++)
            {
                output[b] = LexicalSelection.Select(weights.AsSpan(b * vocabulary, vocabulary), _excluded, options);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(weights);
        }
    }

    /// <summary>
    /// weights[b, v] = log(1 + relu(max over valid s of h[b, s] · W[v] + bias[v])), 0 for an empty sequence.
    /// </summary>
    /// <exception cref="ArgumentException">The batch is too large for this encoder.</exception>
    protected abstract void ComputeWeights(PackedVocabulary vocabularyPanels, LexicalBatch batch, float[] weights);

    /// <summary>Releases the packed projection; later <see cref="Encode"/> calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => Volatile.Write(ref _packed, null);
}
