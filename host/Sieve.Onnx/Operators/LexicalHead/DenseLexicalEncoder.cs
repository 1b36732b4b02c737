using System.Numerics.Tensors;
using Sieve.Abstractions;
using Sieve.Kernels.Lexical;
using Sieve.Kernels.Lexical.Gpu;

namespace Sieve.Host.Operators.LexicalHead;

/// <summary>
/// The encoder of <c>lexical-head/dense</c>, the honest unfused reference. Each call allocates the full logits, batch ×
/// sequence × vocabulary floats (1 GiB for 32 × 256 × 30522), and fills the rows of valid tokens with the same packed
/// panels, the same work split and the same micro-kernel as <c>lexical-head/fused</c> (<see cref="FusedLexicalKernel"/>),
/// storing each 4 × 16 tile instead of folding it; a second pass reads the buffer back for the maximum over the valid
/// tokens per term, then adds the bias and applies <c>log(1 + relu)</c> (monotonic, so once per term, as the fused head
/// does). The two heads differ only by that buffer: its allocation, its write and its re-read.
/// Thread-safe; holds no per-call buffer between calls.
/// </summary>
internal sealed class DenseLexicalEncoder(PackedVocabulary packed, LexicalHeadOptions options, IGpuDevice? device = null)
    : PackedLexicalEncoder(packed, options, device)
{
    /// <summary>Terms per chunk of the pooling pass (16 KiB of a logits row, in L1).</summary>
    internal const int PoolChunk = 4096;

    protected override void ComputeWeights(GpuLexicalWeights gpu, DeviceAddress hidden, int batch, int sequence, DeviceAddress lengths, DeviceAddress weights) =>
        gpu.ComputeDense(hidden, batch, sequence, lengths, weights);

    protected override void ComputeWeights(PackedVocabulary vocabularyPanels, LexicalBatch batch, float[] weights)
    {
        var vocabulary = vocabularyPanels.Projection.VocabularySize;
        var rows = (long)batch.Batch * batch.Sequence;
        if (rows * vocabulary > Array.MaxLength)
        {
#pragma warning disable CA2208 // The argument at fault is Encode's hidden, which the base class received.
            throw new ArgumentException(
                $"The dense head cannot hold {rows} × {vocabulary} logits in one array; use lexical-head/fused.", "hidden");
#pragma warning restore CA2208
        }
        var logits = GC.AllocateUninitializedArray<float>((int)(rows * vocabulary));
        Multiply(vocabularyPanels, batch, logits);
        Pool(vocabularyPanels.Projection, batch, logits, weights);
    }

    /// <summary>
    /// logits[b, s, v] = h[b, s] · W[v] (no bias) for every valid token; padding rows are left unwritten. Work items are
    /// (sequence, <see cref="FusedLexicalKernel.PanelsPerBlock"/> panels), as in the fused head.
    /// </summary>
    private void Multiply(PackedVocabulary vocabularyPanels, LexicalBatch batch, float[] logits)
    {
        var vocabulary = vocabularyPanels.Projection.VocabularySize;
        var d = batch.HiddenSize;
        var blocks = (vocabularyPanels.Panels + FusedLexicalKernel.PanelsPerBlock - 1) / FusedLexicalKernel.PanelsPerBlock;
        var vectorized = Vectorized;
        Parallel.For(0, batch.Batch * blocks, item =>
        {
            var b = item / blocks;
            var length = batch.Lengths[b];
            if (length == 0)
            {
                return;
            }
            var firstPanel = item % blocks * FusedLexicalKernel.PanelsPerBlock;
            var endPanel = Math.Min(vocabularyPanels.Panels, firstPanel + FusedLexicalKernel.PanelsPerBlock);
            var rows = batch.Rows(b);
            var sequence = logits.AsSpan((int)((long)b * batch.Sequence * vocabulary), length * vocabulary);
            for (var p = firstPanel; p < endPanel; p++)
            {
                var start = p * PackedVocabulary.PanelTerms;
                var terms = Math.Min(PackedVocabulary.PanelTerms, vocabulary - start);
                FusedLexicalKernel.PanelLogits(vocabularyPanels.Panel(p), rows, length, d, sequence[start..], vocabulary, terms, vectorized);
            }
        });
    }

    /// <summary>
    /// weights[b, v] = log(1 + relu(max over valid s of logits[b, s, v] + bias[v])), 0 for an empty sequence: one read
    /// of the buffer, then the transform once per (sequence, term), as the fused head does (it is monotonic).
    /// </summary>
    private static void Pool(VocabularyProjection projection, LexicalBatch batch, float[] logits, float[] weights)
    {
        var vocabulary = projection.VocabularySize;
        var chunks = (vocabulary + PoolChunk - 1) / PoolChunk;
        Parallel.For(0, batch.Batch * chunks, item =>
        {
            var b = item / chunks;
            var start = item % chunks * PoolChunk;
            var length = Math.Min(PoolChunk, vocabulary - start);
            var pooled = weights.AsSpan(b * vocabulary + start, length);
            if (batch.Lengths[b] == 0)
            {
                pooled.Clear();
                return;
            }
            Span<float> Row(int s) => logits.AsSpan((int)(((long)b * batch.Sequence + s) * vocabulary) + start, length);
            Row(0).CopyTo(pooled);
            for (var s = 1; s < batch.Lengths[b]; s++)
            {
                TensorPrimitives.Max(pooled, Row(s), pooled);
            }
            var bias = projection.Bias.Span;
            LexicalSelection.WeightsFromMaxLogits(pooled, bias.IsEmpty ? bias : bias.Slice(start, length));
        });
    }
}
