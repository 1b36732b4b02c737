using System.Buffers;
using System.Numerics.Tensors;
using Sieve.Abstractions;

namespace Sieve.Plugins.Heads;

/// <summary>
/// The encoder of <c>lexical-head/dense</c>. Each call allocates the full logits, batch × sequence × vocabulary floats
/// (1 GiB for 32 × 256 × 30522), fills the rows of valid tokens in tiles of <see cref="TokenTile"/> tokens ×
/// <see cref="VocabularyTile"/> terms (one <c>TensorPrimitives.Dot</c> per logit, tiles spread over the cores), applies
/// <c>log(1 + relu)</c> to them in place and takes the maximum per term. Thread-safe; holds no buffer between calls.
/// </summary>
internal sealed class DenseLexicalEncoder(VocabularyProjection projection, LexicalHeadOptions options) : ILexicalEncoder
{
    /// <summary>Tokens per tile (their hidden rows stay in L1 while the tile's terms pass).</summary>
    internal const int TokenTile = 16;

    /// <summary>Terms per tile (their rows of W stay in L2 while the tile's tokens use them).</summary>
    internal const int VocabularyTile = 256;

    private readonly int[] _excluded = projection.ExcludedTerms.ToArray();
    private volatile bool _disposed;

    public void Encode(TensorView<float> hidden, ReadOnlySpan<int> lengths, Span<SparseVector> output)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var batch = LexicalBatch.Open(hidden, lengths, output, projection);
        var vocabulary = projection.VocabularySize;
        var rows = (long)batch.Batch * batch.Sequence;
        if (rows * vocabulary > Array.MaxLength)
        {
            throw new ArgumentException(
                $"The dense head cannot hold {rows} × {vocabulary} logits in one array; use lexical-head/fused.", nameof(hidden));
        }
        var logits = GC.AllocateUninitializedArray<float>((int)(rows * vocabulary));
        Multiply(batch, logits);
        var weights = ArrayPool<float>.Shared.Rent(batch.Batch * vocabulary);
        try
        {
            Pool(batch, logits, weights);
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

    /// <summary>logits[b, s, v] = h[b, s] · W[v] + bias[v] for every valid token; padding rows are left unwritten.</summary>
    private void Multiply(LexicalBatch batch, float[] logits)
    {
        var vocabulary = projection.VocabularySize;
        var d = batch.HiddenSize;
        var tokenTiles = (batch.Sequence + TokenTile - 1) / TokenTile;
        var vocabularyTiles = (vocabulary + VocabularyTile - 1) / VocabularyTile;
        Parallel.For(0, batch.Batch * tokenTiles * vocabularyTiles, item =>
        {
            var vocabularyTile = item % vocabularyTiles;
            var tokenTile = item / vocabularyTiles % tokenTiles;
            var b = item / vocabularyTiles / tokenTiles;
            var tokenStart = tokenTile * TokenTile;
            var tokenEnd = Math.Min(batch.Lengths[b], tokenStart + TokenTile);
            var termStart = vocabularyTile * VocabularyTile;
            var termEnd = Math.Min(vocabulary, termStart + VocabularyTile);
            var hidden = batch.Hidden.Span;
            var weights = projection.Weights.Span;
            var bias = projection.Bias.Span;
            for (var s = tokenStart; s < tokenEnd; s++)
            {
                var row = (long)b * batch.Sequence + s;
                var h = hidden.Slice((int)(row * d), d);
                var target = logits.AsSpan((int)(row * vocabulary) + termStart, termEnd - termStart);
                for (var v = termStart; v < termEnd; v++)
                {
                    target[v - termStart] = TensorPrimitives.Dot(h, weights.Slice(v * d, d));
                }
                if (!bias.IsEmpty)
                {
                    TensorPrimitives.Add(target, bias[termStart..termEnd], target);
                }
            }
        });
    }

    /// <summary>weights[b, v] = max over valid s of log(1 + relu(logits[b, s, v])), 0 for an empty sequence.</summary>
    private void Pool(LexicalBatch batch, float[] logits, float[] weights)
    {
        var vocabulary = projection.VocabularySize;
        var chunks = (vocabulary + 4095) / 4096;
        Parallel.For(0, batch.Batch * chunks, item =>
        {
            var b = item / chunks;
            var start = item % chunks * 4096;
            var length = Math.Min(4096, vocabulary - start);
            var pooled = weights.AsSpan(b * vocabulary + start, length);
            pooled.Clear();
            for (var s = 0; s < batch.Lengths[b]; s++)
            {
                var row = logits.AsSpan((int)(((long)b * batch.Sequence + s) * vocabulary) + start, length);
                TensorPrimitives.Max(row, 0f, row);
                TensorPrimitives.LogP1(row, row);
                TensorPrimitives.Max(pooled, row, pooled);
            }
        });
    }

    public void Dispose() => _disposed = true;
}
