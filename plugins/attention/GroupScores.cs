using System.Buffers;
using Sieve.Kernels;

namespace Sieve.Plugins.Attention;

/// <summary>
/// Scaled dot products of a key/value group's query heads with a range of a transposed key panel, through the
/// attention micro-kernel (<see cref="AttentionTile.Scores"/>, 4 rows at a time, the last ones zero-padded). Each
/// score is the same sum in the same order whatever the range, so a query scores a key identically in prefill and in
/// decode. Thread-safe (no state).
/// </summary>
internal static class GroupScores
{
    /// <summary>Rows the output needs for <paramref name="group"/> heads (a multiple of <see cref="AttentionTile.Rows"/>).</summary>
    public static int PaddedRows(int group) => (group + AttentionTile.Rows - 1) / AttentionTile.Rows * AttentionTile.Rows;

    /// <summary>Writes scale · q_h · k_j for heads h &lt; group and keys j in [first, first + count) at scores[h · count + (j − first)].</summary>
    /// <param name="queries">[group, headSize].</param>
    /// <param name="scores">At least <see cref="PaddedRows"/>(group) · count floats; rows past the group are scratch.</param>
    public static void Compute(ReadOnlySpan<float> queries, int group, HeadPanel keys, int first, int count, float scale, Span<float> scores)
    {
        if (count <= 0)
        {
            return;
        }
        var headSize = keys.HeadSize;
        Span<KeyRange> range = [new KeyRange(first, first + count)];
        var padded = group % AttentionTile.Rows == 0 ? null : ArrayPool<float>.Shared.Rent(AttentionTile.Rows * headSize);
        try
        {
            for (var h = 0; h < group; h += AttentionTile.Rows)
            {
                var rows = Math.Min(AttentionTile.Rows, group - h);
                var tile = queries.Slice(h * headSize, rows * headSize);
                if (rows < AttentionTile.Rows)
                {
                    // The last heads, fewer than a tile: zero rows fill it (their scores land in the scratch rows).
                    var copy = padded.AsSpan(0, AttentionTile.Rows * headSize);
                    copy.Clear();
                    tile.CopyTo(copy);
                    tile = copy;
                }
                AttentionTile.Scores(tile, AttentionTile.Rows, keys, range, scale, count, scores.Slice(h * count, AttentionTile.Rows * count));
            }
        }
        finally
        {
            if (padded is not null)
            {
                ArrayPool<float>.Shared.Return(padded);
            }
        }
    }
}
