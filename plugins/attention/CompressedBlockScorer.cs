using Sieve.Kernels;
using System.Buffers;

namespace Sieve.Plugins.Attention;

/// <summary>
/// <c>compressed</c>: InfLLM-V2's stage 1 as its reference does it, for one query token. Keys are mean-pooled over whole
/// windows twice: fine keys (<see cref="BlockSparseAttentionOptions.CompressionKernel"/> 32, stride 16) and coarse keys
/// (<see cref="BlockSparseAttentionOptions.NormalizerKernel"/> 128, stride 64). Each query head scores the fine keys it
/// sees (whole window at or before the query) and normalises them with the log-sum-exp over the coarse keys it sees
/// (over the fine ones while no coarse window is complete); the probabilities are summed over the group's heads (one
/// choice per key/value head) and max-pooled onto the key blocks each fine window overlaps (a block no visible window
/// overlaps scores 0). Both key sets grow with the keys (<see cref="Extend"/>). Thread-safe between extensions.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Growing compressed keys hold plain arrays, nothing pooled.")]
internal sealed class CompressedBlockScorer : IBlockScorer
{
    private readonly CompressedKeys _fine;
    private readonly CompressedKeys _coarse;
    private readonly BlockSparseAttentionOptions _options;
    private readonly int _group;
    private readonly float _scale;

    /// <param name="capacity">The most valid keys the row will hold.</param>
    public CompressedBlockScorer(int capacity, int headSize, int group, float scale, BlockSparseAttentionOptions options)
    {
        _options = options;
        _group = group;
        _scale = scale;
        _fine = new CompressedKeys(headSize, options.CompressionKernel, options.CompressionStride, capacity);
        _coarse = new CompressedKeys(headSize, options.NormalizerKernel, options.NormalizerStride, capacity);
    }

    public void Extend(ReadOnlySpan<float> keys, int length)
    {
        _fine.Extend(keys, length);
        _coarse.Extend(keys, length);
    }

    public void Score(ReadOnlySpan<float> queries, int visibleKeys, Span<float> scores)
    {
        scores.Clear();
        var fine = Math.Min(_fine.Count, CompressedKeys.FullWindows(visibleKeys, _fine.Kernel, _fine.Stride));
        if (fine == 0)
        {
            return;
        }
        var coarse = Math.Min(_coarse.Count, CompressedKeys.FullWindows(visibleKeys, _coarse.Kernel, _coarse.Stride));
        var rows = GroupScores.PaddedRows(_group);
        var fineScores = ArrayPool<float>.Shared.Rent(rows * fine);
        var coarseScores = ArrayPool<float>.Shared.Rent(Math.Max(1, rows * coarse));
        var importance = ArrayPool<float>.Shared.Rent(fine);
        try
        {
            GroupScores.Compute(queries, _group, _fine.Panel, 0, fine, _scale, fineScores);
            GroupScores.Compute(queries, _group, _coarse.Panel, 0, coarse, _scale, coarseScores);
            Array.Clear(importance, 0, fine);
            for (var h = 0; h < _group; h++)
            {
                var row = fineScores.AsSpan(h * fine, fine);
                var normaliser = coarse > 0 ? LogSumExp.Of(coarseScores.AsSpan(h * coarse, coarse)) : LogSumExp.Of(row);
                for (var c = 0; c < fine; c++)
                {
                    importance[c] += (float)Math.Exp(row[c] - normaliser);
                }
            }
            var blockSize = _options.BlockSize;
            for (var c = 0; c < fine; c++)
            {
                var (start, end) = _fine.Window(c);
                for (var block = start / blockSize; block <= (end - 1) / blockSize && block < scores.Length; block++)
                {
                    scores[block] = Math.Max(scores[block], importance[c]);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(fineScores);
            ArrayPool<float>.Shared.Return(coarseScores);
            ArrayPool<float>.Shared.Return(importance);
        }
    }
}
