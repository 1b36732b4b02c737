using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime.Cuda;
using Sieve.Kernels.Gpu;

namespace Sieve.Plugins.Attention.Gpu;

/// <summary>
/// The block scores of <see cref="BlockScoresKernel"/> (same output, same layout) from fp16 queries and compressed keys,
/// on tensor cores (mma.sync.m16n8k16, fp32 accumulation), written as inline PTX like
/// <see cref="FlashAttentionHalfKernel"/>: head size 128. Launched by <see cref="GpuBlockScoresHalf"/>.
/// </summary>
/// <remarks>
/// <para>
/// Work split: one group of 128 threads (4 warps) per (batch, kv head, block of 64 queries); warp w owns query rows
/// 16w..16w+15. The group walks the query heads of its kv group one after the other, and for each head makes two passes
/// over the tiles of 64 compressed keys its rows see: pass 1 keeps each row's running maximum and sum of
/// 2^(s·c − max·c) (c = scale·log2 e; s = q·ck from the same mma as FlashAttentionHalfKernel's S, the Q A-fragments
/// loaded once per head straight from global memory); pass 2 recomputes S, turns it into the row's softmax
/// p = 2^(s·c − max·c − log2 sum), sums p over the warp's 16 rows per compressed key (a reduce-scatter of 14 shuffles:
/// lane l ends with keys 2l, 2l+1), and the next step adds the 4 warps' sums to the key's importance in shared memory.
/// At the end every key block takes the maximum importance of the compressed keys overlapping it. Everything is
/// summed in fp32; the only fp16 values are the inputs.
/// </para>
/// <para>
/// Shared memory: three compressed-key tile buffers at 0, 16384 and 32768 (64 × 128 fp16, swizzled as in
/// FlashAttentionHalfKernel: 16-byte chunk c of row r at c ^ (r % 8)), two sets of the warps' column sums at 49152
/// (4 × 64 floats each), the importance of every compressed key of the row at 51200 (one float each, rounded up to
/// 128: 32 KiB at 128K tokens and stride 16, so two groups per SM). Tile i is copied with cp.async two steps ahead
/// into buffer i % 3, so one barrier per step orders the copies, the buffers' reuse and the column sums; rows past the
/// valid compressed keys are zero-filled, never read. The C# code only computes indices and stays CTA-uniform;
/// everything per-lane that could diverge (masking, the last block scores) is predicated PTX.
/// </para>
/// <para>
/// The unrolled PTX blocks are in <c>BlockScoresHalfKernel.Ptx.cs</c>, written by
/// <c>tools/ptx-gen/block_scores_half.py</c>: edit the script, not the constants. With no GPU at hand,
/// <c>tools/ptx-gen/check_block_scores_half.py</c> runs the kernel's PTX in the PTX interpreter against an fp64
/// reference of <see cref="BlockSelector"/>'s scores.
/// </para>
/// </remarks>
public static partial class BlockScoresHalfKernel
{
    /// <summary>Queries per group, compressed keys per tile and tokens per key block.</summary>
    public const int BlockSize = 64;

    /// <summary>The head size this kernel is written for.</summary>
    public const int HeadSize = 128;

    /// <summary>Threads per group (4 warps).</summary>
    public const int GroupSize = 128;

    private const int RowBytes = HeadSize * 2;
    private const int TileBytes = BlockSize * RowBytes;
    private const int Stages = 3;
    private const int PartialBase = Stages * TileBytes;
    private const int PartialBytes = 4 * BlockSize * sizeof(float);
    private const int ImportanceBase = PartialBase + 2 * PartialBytes;

    /// <summary>Dynamic shared memory of one group for rows of up to <paramref name="maxCompressed"/> compressed keys.</summary>
    public static int SharedBytes(int maxCompressed) => ImportanceBase + sizeof(float) * ((Math.Max(0, maxCompressed) + 127) / 128 * 128);

    /// <summary>
    /// Block scores for one (batch, kv head, block of 64 queries): grid (⌈T / 64⌉, B·Hkv), <see cref="GroupSize"/>
    /// threads, <see cref="SharedBytes"/> of dynamic shared memory.
    /// </summary>
    /// <param name="query">Address of q [B, Hq, T, 128] fp16.</param>
    /// <param name="compressed">Address of the compressed keys [B·Hkv, MaxCompressed, 128] fp16 (<see cref="CompressKeysKernel"/>'s, converted).</param>
    /// <param name="keyStarts">[B].</param>
    /// <param name="keyEnds">[B].</param>
    /// <param name="scores">Address of the fp32 scores [B·Hkv·QueryTiles, MaxBlocks]: the row's ⌈length / 64⌉ key blocks are written (the rest is not).</param>
    /// <param name="p">The sizes.</param>
    [GpuKernel(HasInlinePtx: true)]
    public static void Run(ulong query, ulong compressed, ArrayView<int> keyStarts, ArrayView<int> keyEnds, ulong scores, BlockScoresHalfParameters p)
    {
        // The dynamic shared memory is addressed in PTX through ILGPU's symbol for it, which needs this call.
        SharedMemory.GetDynamic<byte>();

        int thread = Group.IdxX;
        int lane = thread & 31;
        int warp = thread >> 5;
        int queryTile = p.QueryTiles - 1 - Grid.IdxX; // the longest causal rows start first
        int row = Grid.IdxY;
        int batch = row / p.KeyValueHeads;
        int kvHead = row - batch * p.KeyValueHeads;
        int start = IntrinsicMath.Max(0, keyStarts[batch]);
        int length = IntrinsicMath.Max(0, IntrinsicMath.Min(p.KeyLength, keyEnds[batch]) - start);
        int count = length <= 0 ? 0 : IntrinsicMath.Max(1, (IntrinsicMath.Max(0, length - p.Kernel) + p.Stride - 1) / p.Stride + 1);
        int blocks = (length + BlockSize - 1) / BlockSize;
        int offset = p.KeyLength - p.QueryLength - start; // key position of query 0, relative to the first valid key
        int firstQuery = queryTile * BlockSize;
        int validQueries = IntrinsicMath.Min(BlockSize, p.QueryLength - firstQuery);

        // Compressed keys seen by the group's last row (the most), by its first (the fewest), and by this thread's rows g, g+8.
        int mostVisible = Visible(validQueries - 1, validQueries, firstQuery, offset, length, count, p);
        int fewestVisible = validQueries < BlockSize ? 0 : Visible(0, validQueries, firstQuery, offset, length, count, p);
        int row0 = warp * 16 + (lane >> 2);
        int row1 = row0 + 8;
        int columnShift = (lane & 3) << 1;
        int visible0 = Visible(row0, validQueries, firstQuery, offset, length, count, p) - columnShift;
        int visible1 = Visible(row1, validQueries, firstQuery, offset, length, count, p) - columnShift;
        int tiles = (mostVisible + BlockSize - 1) / BlockSize;

        // Per-lane K ldmatrix addresses (as FlashAttentionHalfKernel), Q fragment addresses, and this thread's chunk of every tile copy.
        int keyRow = (((lane >> 4) << 3) + (lane & 7)) * RowBytes;
        int keyXor = (((lane >> 3) & 1) ^ (lane & 7)) << 4;
        CudaAsm.Emit(Init, keyRow, keyXor, lane);
        long headBytes = (long)p.QueryLength * RowBytes;
        long firstHead = (long)query + ((long)(batch * p.QueryHeads + kvHead * p.Group) * p.QueryLength + firstQuery) * RowBytes;
        long query0 = firstHead + (row0 < validQueries ? row0 : 0) * RowBytes + columnShift * 2;
        long query1 = firstHead + (row1 < validQueries ? row1 : 0) * RowBytes + columnShift * 2;
        int copyRow = thread >> 4;
        int copyChunk = thread & 15;
        int copyShared = copyRow * RowBytes + ((copyChunk ^ copyRow) << 4);
        long copyGlobal = copyRow * RowBytes + (copyChunk << 4);
        long keyRows = (long)compressed + (long)row * p.MaxCompressed * RowBytes;
        int steps = p.Group * 2 * tiles;

        for (int c = 0; c < tiles * BlockSize; c += GroupSize)
        {
            CudaAsm.Emit(ZeroImportance, ImportanceBase + (c + thread) * sizeof(float));
        }

        // Step i = (head h, j): j < tiles is pass 1 on tile j, else pass 2 on tile j − tiles; its tile sits in buffer
        // i % 3 and is copied two steps ahead, so one barrier per step orders both the copies and the buffers' reuse.
        int loadJ = 0;
        for (int i = 0; i < Stages - 1; i++)
        {
            if (i < steps)
            {
                int loadFirst = (loadJ < tiles ? loadJ : loadJ - tiles) * BlockSize;
                long tile = keyRows + (long)loadFirst * RowBytes;
                CudaAsm.Emit(LoadTile, i * TileBytes + copyShared, tile + copyGlobal, count - loadFirst - copyRow, tile);
                loadJ = loadJ + 1 == 2 * tiles ? 0 : loadJ + 1;
            }
            CudaAsm.Emit(Commit);
        }
        float scaleLog2 = p.ScaleLog2;
        int h = 0;
        int j = 0;
        int buffer = 0;
        int loadBuffer = Stages - 1;
        int summed = -1; // the tile whose column sums the previous step left in shared memory, or −1
        for (int i = 0; i < steps; i++)
        {
            CudaAsm.Emit(WaitAllButOne);
            Group.Barrier(); // step i's tile has landed; every warp is done with step i − 1 (its buffer and partial sums)
            if (i + Stages - 1 < steps)
            {
                int loadFirst = (loadJ < tiles ? loadJ : loadJ - tiles) * BlockSize;
                long tile = keyRows + (long)loadFirst * RowBytes;
                CudaAsm.Emit(LoadTile, loadBuffer * TileBytes + copyShared, tile + copyGlobal, count - loadFirst - copyRow, tile);
                loadJ = loadJ + 1 == 2 * tiles ? 0 : loadJ + 1;
            }
            CudaAsm.Emit(Commit);
            if (summed >= 0)
            {
                AddImportance(summed, (i - 1) & 1, lane, warp);
            }

            int first = (j < tiles ? j : j - tiles) * BlockSize;
            if (j == 0)
            {
                long head = h * headBytes;
                CudaAsm.Emit(LoadQuery, query0 + head, query1 + head);
            }
            CudaAsm.Emit(Scores, buffer * TileBytes);
            if (first + BlockSize > fewestVisible)
            {
                CudaAsm.Emit(Mask, visible0 - first, visible1 - first);
            }
            if (j < tiles)
            {
                CudaAsm.Emit(RowStatistics, scaleLog2);
                summed = -1;
            }
            else
            {
                if (j == tiles)
                {
                    CudaAsm.Emit(Normalizer, scaleLog2);
                }
                CudaAsm.Emit(ColumnSums, scaleLog2, PartialBase + (i & 1) * PartialBytes + (warp * BlockSize + lane * 2) * sizeof(float));
                summed = first;
            }
            j++;
            if (j == 2 * tiles)
            {
                j = 0;
                h++;
            }
            buffer = buffer == Stages - 1 ? 0 : buffer + 1;
            loadBuffer = loadBuffer == Stages - 1 ? 0 : loadBuffer + 1;
        }
        Group.Barrier();
        if (summed >= 0)
        {
            AddImportance(summed, (steps - 1) & 1, lane, warp);
        }
        Group.Barrier();

        // Key block b: the maximum importance of the compressed keys c whose window [c·stride, c·stride + kernel) overlaps
        // it (c·stride < 64(b + 1) and c·stride + kernel > 64b); keys past those the group scored have importance 0.
        int span = (BlockSize + p.Kernel - 2) / p.Stride + 2;
        int lastKey = IntrinsicMath.Min(count, tiles * BlockSize) - 1;
        long scoreRow = (long)scores + ((long)row * p.QueryTiles + queryTile) * p.MaxBlocks * sizeof(float);
        for (int b0 = 0; b0 < blocks; b0 += GroupSize)
        {
            int b = b0 + thread;
            int low = IntrinsicMath.Max(0, b * BlockSize - p.Kernel + p.Stride) / p.Stride;
            int high = IntrinsicMath.Min(((b + 1) * BlockSize - 1) / p.Stride, lastKey);
            CudaAsm.Emit(ResetBest);
            for (int k = 0; k < span; k++)
            {
                int c = IntrinsicMath.Max(0, IntrinsicMath.Min(low + k, high));
                CudaAsm.Emit(PoolImportance, ImportanceBase + c * sizeof(float));
            }
            CudaAsm.Emit(StoreBest, b, blocks, low, high, scoreRow + (long)b * sizeof(float));
        }
    }

    /// <summary>Adds the 4 warps' column sums of the tile at <paramref name="first"/> (partial buffer <paramref name="partial"/>) to the importance.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddImportance(int first, int partial, int lane, int warp)
    {
        int column = warp * 16 + (lane & 15);
        CudaAsm.Emit(AddImportanceBlock, PartialBase + partial * PartialBytes + ((lane >> 4) * 2 * BlockSize + column) * sizeof(float),
            ImportanceBase + (first + column) * sizeof(float));
    }

    /// <summary>
    /// How many compressed keys row <paramref name="rowLocal"/> of the group scores: those whose whole window ends at or
    /// before its own position (causal), all (not causal), none for a row past the queries. Branch-free.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Visible(int rowLocal, int validQueries, int firstQuery, int offset, int length, int count, BlockScoresHalfParameters p)
    {
        int valid = IntrinsicMath.Min(1, IntrinsicMath.Max(0, validQueries - rowLocal));
        if (p.Causal == 0)
        {
            return count * valid;
        }
        // Window c ends at min(length, c·stride + kernel); all end by length, so from there on every key is visible.
        int limit = firstQuery + rowLocal + 1 + offset;
        int seen = IntrinsicMath.Min(count, IntrinsicMath.Max(0, limit - p.Kernel + p.Stride) / p.Stride);
        int all = IntrinsicMath.Min(1, IntrinsicMath.Max(0, limit - length + 1));
        return IntrinsicMath.Max(seen, all * count) * valid;
    }
}
