using System.Buffers;
using Sieve.Kernels;

namespace Sieve.Plugins.Attention;

/// <summary>
/// <c>oracle</c>: the exact attention mass of each block. Every query head takes the softmax over all the keys it sees
/// (computed densely, as dense attention would); a block's score is the mass its keys receive, summed over the group's
/// heads. What the best selection at a budget would choose: a measuring tool, as costly as dense attention. Reads the
/// call's key panel (not owned), so it sees keys as the panel grows. Thread-safe between extensions.
/// </summary>
internal sealed class OracleBlockScorer(HeadPanel keys, int keyStart, int group, float scale, int blockSize) : IBlockScorer
{
    public void Score(ReadOnlySpan<float> queries, int visibleKeys, Span<float> scores)
    {
        scores.Clear();
        var logits = ArrayPool<float>.Shared.Rent(GroupScores.PaddedRows(group) * visibleKeys);
        try
        {
            GroupScores.Compute(queries, group, keys, keyStart, visibleKeys, scale, logits);
            for (var h = 0; h < group; h++)
            {
                var row = logits.AsSpan(h * visibleKeys, visibleKeys);
                var normaliser = LogSumExp.Of(row);
                for (var block = 0; block < scores.Length; block++)
                {
                    double mass = 0;
                    for (var j = block * blockSize; j < Math.Min(visibleKeys, (block + 1) * blockSize); j++)
                    {
                        mass += Math.Exp(row[j] - normaliser);
                    }
                    scores[block] += (float)mass;
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(logits);
        }
    }

    public void Extend(ReadOnlySpan<float> keys, int length)
    {
    }
}
