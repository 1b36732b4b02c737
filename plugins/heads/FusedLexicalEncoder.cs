using Sieve.Abstractions;
using Sieve.Kernels.Lexical;
using Sieve.Kernels.Lexical.Gpu;

namespace Sieve.Plugins.Heads;

/// <summary>
/// The encoder of <c>lexical-head/fused</c>. Work items are (sequence, block of <see cref="FusedLexicalKernel.PanelsPerBlock"/> panels),
/// spread over the cores; within an item each panel (16 terms × hidden, in L1) meets every valid token of the sequence
/// (in L2) through <see cref="FusedLexicalKernel"/>. The only buffer a call holds is the [batch, vocabulary] maximum
/// logits (pooled), turned into weights in place; padding rows are never read. Thread-safe.
/// </summary>
internal sealed class FusedLexicalEncoder(PackedVocabulary packed, LexicalHeadOptions options, IGpuDevice? device = null)
    : PackedLexicalEncoder(packed, options, device)
{
    protected override void ComputeWeights(GpuLexicalWeights gpu, DeviceAddress hidden, int batch, int sequence, DeviceAddress lengths, DeviceAddress weights) =>
        gpu.ComputeFused(hidden, batch, sequence, lengths, weights);

    protected override void ComputeWeights(PackedVocabulary vocabularyPanels, LexicalBatch batch, float[] weights)
    {
        var projection = vocabularyPanels.Projection;
        var vocabulary = projection.VocabularySize;
        MaxLogits(vocabularyPanels, batch, weights);
        for (var b = 0; b < batch.Batch; b++)
        {
            LexicalSelection.WeightsFromMaxLogits(weights.AsSpan(b * vocabulary, vocabulary), projection.Bias.Span);
        }
    }

    /// <summary>maxima[b, v] = max over valid s of h[b, s] · W[v] (no bias); −∞ for an empty sequence.</summary>
    private void MaxLogits(PackedVocabulary vocabularyPanels, LexicalBatch batch, float[] maxima)
    {
        var vocabulary = vocabularyPanels.Projection.VocabularySize;
        var d = batch.HiddenSize;
        var blocks = (vocabularyPanels.Panels + FusedLexicalKernel.PanelsPerBlock - 1) / FusedLexicalKernel.PanelsPerBlock;
        var vectorized = Vectorized;
        Parallel.For(0, batch.Batch * blocks, item =>
        {
            var b = item / blocks;
            var firstPanel = item % blocks * FusedLexicalKernel.PanelsPerBlock;
            var endPanel = Math.Min(vocabularyPanels.Panels, firstPanel + FusedLexicalKernel.PanelsPerBlock);
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
}
