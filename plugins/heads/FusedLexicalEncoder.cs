using System.Buffers;
using Sieve.Abstractions;

namespace Sieve.Plugins.Heads;

/// <summary>
/// The encoder of <c>lexical-head/fused</c>. Work items are (sequence, block of <see cref="PanelsPerBlock"/> panels),
/// spread over the cores; within an item each panel (16 terms × hidden, in L1) meets every valid token of the sequence
/// (in L2) through <see cref="FusedLexicalKernel"/>. The only buffer a call holds is the [batch, vocabulary] maximum
/// logits (pooled), turned into weights in place; padding rows are never read. Thread-safe.
/// </summary>
internal sealed class FusedLexicalEncoder(PackedVocabulary packed, LexicalHeadOptions options) : ILexicalEncoder
{
    /// <summary>Panels per work item (128 terms).</summary>
    internal const int PanelsPerBlock = 8;

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
        var maxima = ArrayPool<float>.Shared.Rent(batch.Batch * vocabulary);
        try
        {
            MaxLogits(vocabularyPanels, batch, maxima);
            var bias = projection.Bias.Span;
            for (var b = 0; b < batch.Batch; b++)
            {
                var weights = maxima.AsSpan(b * vocabulary, vocabulary);
                LexicalSelection.WeightsFromMaxLogits(weights, bias);
                output[b] = LexicalSelection.Select(weights, _excluded, options);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(maxima);
        }
    }

    /// <summary>maxima[b, v] = max over valid s of h[b, s] · W[v] (no bias); −∞ for an empty sequence.</summary>
    private void MaxLogits(PackedVocabulary vocabularyPanels, LexicalBatch batch, float[] maxima)
    {
        var vocabulary = vocabularyPanels.Projection.VocabularySize;
        var d = batch.HiddenSize;
        var blocks = (vocabularyPanels.Panels + PanelsPerBlock - 1) / PanelsPerBlock;
        var vectorized = Vectorized;
        Parallel.For(0, batch.Batch * blocks, item =>
        {
            var b = item / blocks;
            var firstPanel = item % blocks * PanelsPerBlock;
            var endPanel = Math.Min(vocabularyPanels.Panels, firstPanel + PanelsPerBlock);
            var length = batch.Lengths[b];
            var row = maxima.AsSpan(b * vocabulary, vocabulary);
            if (length == 0)
            {
                row[(firstPanel * PackedVocabulary.PanelTerms)..Math.Min(vocabulary, endPanel * PackedVocabulary.PanelTerms)].Fill(float.NegativeInfinity);
                return;
            }
            var rows = batch.Rows(b);
            Span<float> panelMaxima = stackalloc float[PackedVocabulary.PanelTerms];
            for (var p = firstPanel; p < endPanel; p++)
            {
                FusedLexicalKernel.PanelMax(vocabularyPanels.Panel(p), rows, length, d, panelMaxima, vectorized);
                var start = p * PackedVocabulary.PanelTerms;
                var count = Math.Min(PackedVocabulary.PanelTerms, vocabulary - start);
                panelMaxima[..count].CopyTo(row.Slice(start, count));
            }
        });
    }

    /// <summary>Releases the packed projection; later <see cref="Encode"/> calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => Volatile.Write(ref _packed, null);
}
