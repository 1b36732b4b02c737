using System.Runtime.CompilerServices;
using ILGPU;
using Sieve.Kernels.Gpu;

namespace Sieve.Plugins.Attention.Gpu;

/// <summary>
/// Block scores of the block-sparse selection (the numbers of <see cref="BlockSelector"/>): for one (batch, kv head,
/// block of 64 queries), every query of the block and every query head of the group takes a softmax over the compressed
/// keys it sees; the probabilities are summed per compressed key, and each key block scores the maximum over the
/// compressed keys overlapping it. Register-tiled like <see cref="FlashAttentionKernel"/> (64 queries × 64 compressed
/// keys per step, 8 × 4 scores per thread), in two passes: row maxima and sums, then the normalized column sums.
/// </summary>
/// <remarks>
/// Launch: grid (⌈T / 64⌉, B·Hkv, 1), group <see cref="GpuTile.Threads"/>, shared <see cref="SharedBytes"/>.
/// </remarks>
public static class BlockScoresKernel
{
    /// <summary>Dynamic shared memory of one group.</summary>
    public static int SharedBytes(int headSize, int group, int maxBlocks) =>
        sizeof(float) * (2 * headSize * GpuTile.Stride + GpuTile.RowGroups * GpuTile.Keys + 2 * group * GpuTile.Rows + GpuTile.Keys + maxBlocks);

    /// <summary>The kernel.</summary>
    /// <param name="query">[B, Hq, T, D].</param>
    /// <param name="compressed">[B·Hkv, MaxCompressed, D] from <see cref="CompressKeysKernel"/>.</param>
    /// <param name="keyStarts">[B].</param>
    /// <param name="keyEnds">[B].</param>
    /// <param name="scores">[B·Hkv·QueryTiles, MaxBlocks]: the scores of the row's ⌈length / 64⌉ key blocks (the rest is unspecified).</param>
    /// <param name="p">The sizes.</param>
    [GpuKernel]
    public static void Run(ArrayView<float> query, ArrayView<float> compressed, ArrayView<int> keyStarts, ArrayView<int> keyEnds,
        ArrayView<float> scores, BlockScoresParameters p)
    {
        var shared = SharedMemory.GetDynamic<float>();
        var d = p.HeadSize;
        var group = p.QueryHeads / p.KeyValueHeads;
        var queryTile = p.QueryTiles - 1 - Grid.IdxX;
        var row = Grid.IdxY;
        var batch = row / p.KeyValueHeads;
        var kvHead = row - batch * p.KeyValueHeads;
        var start = IntrinsicMath.Max(0, keyStarts[batch]);
        var length = IntrinsicMath.Max(0, IntrinsicMath.Min(p.KeyLength, keyEnds[batch]) - start);
        var count = length <= 0 ? 0 : IntrinsicMath.Max(1, (IntrinsicMath.Max(0, length - p.Kernel) + p.Stride - 1) / p.Stride + 1);
        var blocks = (length + GpuTile.Keys - 1) / GpuTile.Keys;
        var offset = p.KeyLength - p.QueryLength - start; // key position of query 0, relative to the first valid key
        var firstQuery = queryTile * GpuTile.Rows;
        var validQueries = IntrinsicMath.Min(GpuTile.Rows, p.QueryLength - firstQuery);
        var rowGroup = GpuTile.RowGroup;
        var columnGroup = GpuTile.ColumnGroup;
        var thread = Group.IdxX;

        // Shared: Qᵀ | compressed Kᵀ | column partial sums [8][64] | row maxima, row sums [group·64] each | importance [64] | block scores.
        var keysAt = d * GpuTile.Stride;
        var partialAt = 2 * keysAt;
        var maximaAt = partialAt + GpuTile.RowGroups * GpuTile.Keys;
        var sumsAt = maximaAt + group * GpuTile.Rows;
        var importanceAt = sumsAt + group * GpuTile.Rows;
        var blockAt = importanceAt + GpuTile.Keys;

        // Compressed keys row rg + 8i sees: those whose whole window ends at or before its own position (causal).
        var limits = new Vec8(
            Visible(firstQuery + rowGroup, validQueries, rowGroup, offset, length, count, p),
            Visible(firstQuery + rowGroup + 8, validQueries, rowGroup + 8, offset, length, count, p),
            Visible(firstQuery + rowGroup + 16, validQueries, rowGroup + 16, offset, length, count, p),
            Visible(firstQuery + rowGroup + 24, validQueries, rowGroup + 24, offset, length, count, p),
            Visible(firstQuery + rowGroup + 32, validQueries, rowGroup + 32, offset, length, count, p),
            Visible(firstQuery + rowGroup + 40, validQueries, rowGroup + 40, offset, length, count, p),
            Visible(firstQuery + rowGroup + 48, validQueries, rowGroup + 48, offset, length, count, p),
            Visible(firstQuery + rowGroup + 56, validQueries, rowGroup + 56, offset, length, count, p));
        var lastRow = validQueries - 1;
        var visible = (int)Visible(firstQuery + lastRow, validQueries, lastRow, offset, length, count, p);
        var tiles = (visible + GpuTile.Keys - 1) / GpuTile.Keys;
        var scaleLog2 = p.Scale * GpuTile.Log2E;
        var compressedBase = row * p.MaxCompressed * d;

        // Pass 1: each row's maximum and sum of 2^s over its visible compressed keys.
        for (var h = 0; h < group; h++)
        {
            var queryBase = ((batch * p.QueryHeads + kvHead * group + h) * p.QueryLength + firstQuery) * d;
            Group.Barrier();
            GpuTile.LoadTransposed(query, queryBase, validQueries, d, scaleLog2, shared, 0);
            var m = Vec8.Splat(float.NegativeInfinity);
            var l = Vec8.Splat(0f);
            for (var tile = 0; tile < tiles; tile++)
            {
                var first = tile * GpuTile.Keys;
                Group.Barrier();
                GpuTile.LoadTransposed(compressed, compressedBase + first * d, count - first, d, 1f, shared, keysAt);
                Group.Barrier();
                var s = GpuTile.MaskRows(GpuTile.Scores(shared, 0, keysAt, d, rowGroup, columnGroup), first + columnGroup, limits);
                var mNew = Vec8.Max(m, GpuTile.RowMax(s));
                var mUse = Vec8.FiniteOrZero(mNew);
                l = Vec8.Add(Vec8.Multiply(l, Vec8.Exp2(m, mUse)), GpuTile.RowSum(GpuTile.Exp2(s, mUse)));
                m = mNew;
            }
            if (columnGroup == 0)
            {
                Vec8.Store(shared, maximaAt + h * GpuTile.Rows + rowGroup, GpuTile.RowGroups, Vec8.FiniteOrZero(m));
                Vec8.Store(shared, sumsAt + h * GpuTile.Rows + rowGroup, GpuTile.RowGroups, Vec8.ReciprocalOrZero(l));
            }
        }
        for (var b = thread; b < blocks; b += GpuTile.Threads)
        {
            shared[blockAt + b] = 0f;
        }

        // Pass 2: per tile of compressed keys, the probabilities summed over the group's rows, then max-pooled onto key blocks.
        for (var tile = 0; tile < tiles; tile++)
        {
            var first = tile * GpuTile.Keys;
            var importance = 0f;
            Group.Barrier();
            GpuTile.LoadTransposed(compressed, compressedBase + first * d, count - first, d, 1f, shared, keysAt);
            for (var h = 0; h < group; h++)
            {
                var queryBase = ((batch * p.QueryHeads + kvHead * group + h) * p.QueryLength + firstQuery) * d;
                Group.Barrier();
                GpuTile.LoadTransposed(query, queryBase, validQueries, d, scaleLog2, shared, 0);
                Group.Barrier();
                var s = GpuTile.MaskRows(GpuTile.Scores(shared, 0, keysAt, d, rowGroup, columnGroup), first + columnGroup, limits);
                var m = Vec8.Load(shared, maximaAt + h * GpuTile.Rows + rowGroup, GpuTile.RowGroups);
                var inverse = Vec8.Load(shared, sumsAt + h * GpuTile.Rows + rowGroup, GpuTile.RowGroups);
                var probabilities = GpuTile.Exp2(s, m);
                var at = partialAt + rowGroup * GpuTile.Keys + columnGroup;
                shared[at] = Vec8.Sum(Vec8.Multiply(probabilities.Key0, inverse));
                shared[at + GpuTile.ColumnGroups] = Vec8.Sum(Vec8.Multiply(probabilities.Key1, inverse));
                shared[at + 2 * GpuTile.ColumnGroups] = Vec8.Sum(Vec8.Multiply(probabilities.Key2, inverse));
                shared[at + 3 * GpuTile.ColumnGroups] = Vec8.Sum(Vec8.Multiply(probabilities.Key3, inverse));
                Group.Barrier();
                if (thread < GpuTile.Keys)
                {
                    for (var g = 0; g < GpuTile.RowGroups; g++)
                    {
                        importance += shared[partialAt + g * GpuTile.Keys + thread];
                    }
                }
            }
            if (thread < GpuTile.Keys)
            {
                shared[importanceAt + thread] = importance;
            }
            Group.Barrier();
            // Blocks this tile's compressed keys overlap: one thread each.
            var lastKey = IntrinsicMath.Min(first + GpuTile.Keys, count) - 1;
            var firstBlock = first * p.Stride / GpuTile.Keys;
            var lastBlock = IntrinsicMath.Min(blocks - 1, (IntrinsicMath.Min(length, lastKey * p.Stride + p.Kernel) - 1) / GpuTile.Keys);
            for (var b = firstBlock + thread; b <= lastBlock; b += GpuTile.Threads)
            {
                var best = shared[blockAt + b];
                for (var c = first; c <= lastKey; c++)
                {
                    var windowStart = c * p.Stride;
                    var windowEnd = IntrinsicMath.Min(length, windowStart + p.Kernel);
                    if (windowStart < (b + 1) * GpuTile.Keys && windowEnd > b * GpuTile.Keys)
                    {
                        best = IntrinsicMath.Max(best, shared[importanceAt + c - first]);
                    }
                }
                shared[blockAt + b] = best;
            }
        }
        Group.Barrier();
        var outAt = (row * p.QueryTiles + queryTile) * p.MaxBlocks;
        for (var b = thread; b < blocks; b += GpuTile.Threads)
        {
            scores[outAt + b] = shared[blockAt + b];
        }
    }

    /// <summary>How many compressed keys query <paramref name="queryIndex"/> scores (row <paramref name="row"/> of the tile), as a float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Visible(int queryIndex, int validQueries, int row, int offset, int length, int count, BlockScoresParameters p)
    {
        if (row >= validQueries)
        {
            return 0f;
        }
        if (p.Causal == 0)
        {
            return count;
        }
        // Window c ends at min(length, c·stride + kernel); all end by length, so past it every key is visible.
        var limit = queryIndex + 1 + offset;
        if (limit >= length)
        {
            return count;
        }
        return limit < p.Kernel ? 0f : IntrinsicMath.Min(count, (limit - p.Kernel) / p.Stride + 1);
    }
}
