using ILGPU;
using Sieve.Kernels.Gpu;

namespace Sieve.Plugins.Attention.Gpu;

/// <summary>
/// Chooses the key blocks of each (batch, kv head, block of 64 queries) from <see cref="BlockScoresKernel"/>'s scores,
/// exactly as <see cref="BlockSelector"/> does: the first block and the local window are kept, the rest of the budget
/// goes to the best scores (ties to the lower block). Writes CSR lists for <see cref="FlashAttentionKernel"/> with a
/// fixed <see cref="BlockSelectParameters.Entries"/> per row: offsets[r] = r·Entries, the chosen block ids ascending,
/// then −1 padding. A block's rank among the candidates is counted by every thread for its own blocks (quadratic in the
/// visible blocks, divided over the group).
/// </summary>
/// <remarks>Launch: grid (Rows, 1, 1), group <see cref="Threads"/>, shared <see cref="SharedBytes"/>.</remarks>
public static class BlockSelectKernel
{
    /// <summary>Threads per group.</summary>
    public const int Threads = 128;

    /// <summary>Dynamic shared memory of one group: scores and chosen flags of every block.</summary>
    public static int SharedBytes(int maxBlocks) => sizeof(float) * 2 * Math.Max(1, maxBlocks);

    /// <summary>The kernel.</summary>
    /// <param name="scores">[Rows, MaxBlocks].</param>
    /// <param name="keyStarts">[B].</param>
    /// <param name="keyEnds">[B].</param>
    /// <param name="blockOffsets">[Rows + 1], written.</param>
    /// <param name="blockIndices">[Rows·Entries], written.</param>
    /// <param name="p">The sizes and options.</param>
    [GpuKernel]
    public static void Run(ArrayView<float> scores, ArrayView<int> keyStarts, ArrayView<int> keyEnds, ArrayView<int> blockOffsets,
        ArrayView<int> blockIndices, BlockSelectParameters p)
    {
        var shared = SharedMemory.GetDynamic<float>();
        var row = Grid.IdxX;
        var thread = Group.IdxX;
        var queryTile = row % p.QueryTiles;
        var batch = row / p.QueryTiles / p.KeyValueHeads;
        var start = IntrinsicMath.Max(0, keyStarts[batch]);
        var length = IntrinsicMath.Max(0, IntrinsicMath.Min(p.KeyLength, keyEnds[batch]) - start);
        var blocks = (length + GpuTile.Keys - 1) / GpuTile.Keys;
        var offset = p.KeyLength - p.QueryLength - start;
        var queryStart = queryTile * GpuTile.Rows;
        var queryEnd = IntrinsicMath.Min(p.QueryLength, queryStart + GpuTile.Rows);
        var causal = p.Causal != 0;
        var lastVisible = causal ? IntrinsicMath.Min(blocks - 1, (queryEnd - 1 + offset) / GpuTile.Keys) : blocks - 1;
        var visible = blocks == 0 || (causal && queryEnd - 1 + offset < 0) ? 0 : lastVisible + 1;
        var chosenAt = p.MaxBlocks;
        var density = Interop.IntAsFloat((ulong)(uint)p.DensityLow | ((ulong)(uint)p.DensityHigh << 32));
        var budget = density > 0 ? (int)IntrinsicMath.CPUOnly.Ceiling(density * visible) : p.TopKBlocks;
        var diagonal = IntrinsicMath.Clamp(IntrinsicMath.Max(0, queryStart + offset) / GpuTile.Keys, 0, lastVisible);
        var lastDiagonal = IntrinsicMath.Clamp(IntrinsicMath.Max(0, queryEnd - 1 + offset) / GpuTile.Keys, diagonal, lastVisible);
        var windowFirst = diagonal - p.WindowBlocks;
        var windowLast = lastDiagonal + (causal ? 0 : p.WindowBlocks);

        // Forced blocks are flagged 1 and scored −1 (below every real score, so they never count in a rank).
        for (var b = thread; b < visible; b += Threads)
        {
            var keep = (p.KeepFirstBlock != 0 && b == 0) || (b >= windowFirst && b <= windowLast);
            shared[chosenAt + b] = keep ? 1f : 0f;
            shared[b] = keep ? -1f : scores[row * p.MaxBlocks + b];
        }
        var low = IntrinsicMath.Max(0, windowFirst);
        var high = IntrinsicMath.Min(visible - 1, windowLast);
        var window = IntrinsicMath.Max(0, high - low + 1);
        var forced = window + (p.KeepFirstBlock != 0 && visible > 0 && (window == 0 || low > 0) ? 1 : 0);
        Group.Barrier();
        var need = budget - forced;
        if (need > 0)
        {
            for (var b = thread; b < visible; b += Threads)
            {
                var score = shared[b];
                if (score < 0f)
                {
                    continue;
                }
                var rank = 0;
                for (var other = 0; other < visible && rank < need; other++)
                {
                    var s = shared[other];
                    rank += s > score || (s == score && other < b) ? 1 : 0;
                }
                if (rank < need)
                {
                    shared[chosenAt + b] = 1f;
                }
            }
        }
        Group.Barrier();
        if (thread == 0)
        {
            var at = row * p.Entries;
            var written = 0;
            for (var b = 0; b < visible && written < p.Entries; b++)
            {
                if (shared[chosenAt + b] > 0f)
                {
                    blockIndices[at + written] = b;
                    written++;
                }
            }
            for (; written < p.Entries; written++)
            {
                blockIndices[at + written] = -1;
            }
            blockOffsets[row] = at;
            if (row == p.Rows - 1)
            {
                blockOffsets[p.Rows] = at + p.Entries;
            }
        }
    }
}
