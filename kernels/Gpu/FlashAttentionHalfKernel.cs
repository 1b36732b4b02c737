using ILGPU;
using ILGPU.Runtime.Cuda;

namespace Sieve.Kernels.Gpu;

/// <summary>
/// FlashAttention-2 style attention in fp16 with fp32 accumulation on tensor cores (mma.sync.m16n8k16), written as
/// inline PTX: head size 128, query and key lengths multiples of 64, grouped-query heads, optional bottom-right causal
/// mask, optional block list. Launched by <see cref="GpuDenseAttentionHalf"/>.
/// </summary>
/// <remarks>
/// <para>
/// Work split: one group of 128 threads (4 warps) per 64 queries of one (batch, query head); warp w owns query rows
/// 16w..16w+15 of the block. The warp keeps its state in PTX registers named once at function scope (never in C#
/// locals passed by reference, which ILGPU would keep in local memory): Q A-fragments <c>%faq</c> (32), O accumulators
/// <c>%fao</c> (16 n-tiles × 4), scores <c>%fas</c> (8 n-tiles × 4), P A-fragments <c>%fap</c> (16), running max
/// <c>%fam</c> and thread-partial sums <c>%fal</c> of its two rows. Shared memory (81920 bytes): K buffers at 0 and
/// 16384, V buffers at 32768 and 49152, Q at 65536; each a 64 × 128 fp16 tile of 256-byte rows whose 16-byte chunk c
/// of row r sits at chunk c ^ (r % 8), so that the 8 row addresses of every ldmatrix hit 8 different bank groups.
/// Key/value tiles are double-buffered with cp.async: the copy of the next listed block runs while this one computes.
/// </para>
/// <para>
/// Fragment layouts (PTX ISA, mma.m16n8k16 .f16, lane l, g = l / 4, t = l % 4): A (16×16, row) a0 = row g cols
/// 2t,2t+1; a1 = row g+8; a2 = row g cols 2t+8,2t+9; a3 = row g+8 cols 2t+8,2t+9. B (16×8, col) b0 = k rows 2t,2t+1
/// of col g; b1 = k rows 2t+8,2t+9. C (16×8) c0,c1 = row g cols 2t,2t+1; c2,c3 = row g+8. ldmatrix .x4: lanes 8m..8m+7
/// give the row addresses of matrix m; without .trans lane l receives row g, elements 2t,2t+1 of each matrix; with
/// .trans it receives elements (2t, g) and (2t+1, g).
/// </para>
/// <list type="bullet">
/// <item>Q (A of S = QKᵀ): lane l addresses row 16w + (l % 16), dim chunk 2kc + l / 16, so matrices 0..3 are
/// (rows 0-7, dims 0-7), (rows 8-15, dims 0-7), (rows 0-7, dims 8-15), (rows 8-15, dims 8-15) = a0..a3.</item>
/// <item>K (B of S, "col" = K stored [key][dim]): lane l addresses key 16np + 8(l / 16) + l % 8, dim chunk
/// 2kc + (l / 8) % 2; non-trans lane l receives K[key g][dims 2t,2t+1] = B[k 2t][n g]: matrices 0,1 are b0,b1 of
/// key tile 2np, matrices 2,3 of key tile 2np+1.</item>
/// <item>P (A of O += PV) is S's C fragments rounded to fp16: for keys 16kc..16kc+15, a0 = tile 2kc (c0,c1),
/// a1 = tile 2kc (c2,c3), a2 = tile 2kc+1 (c0,c1), a3 = tile 2kc+1 (c2,c3): the FlashAttention-2 register trick.</item>
/// <item>V (B of PV, stored [key][dim]): lane l addresses key 16kc + l % 16, dim chunk 2dp + l / 16; .trans lane l
/// receives V[keys 2t,2t+1][dim g] = B[k 2t][n g]: matrices 0,1 are b0,b1 of dim tile 2dp, matrices 2,3 of 2dp+1.</item>
/// </list>
/// <para>
/// The unrolled PTX blocks are in <c>FlashAttentionHalfKernel.Ptx.cs</c>, written by
/// <c>tools/ptx-gen/flash_attention_half.py</c>: edit the script, not the constants. With no GPU at hand,
/// <c>tools/ptx-gen/check_flash_attention_half.py</c> runs the kernel's PTX (as ILGPU compiled it) in a small PTX
/// interpreter whose ldmatrix and mma follow the PTX ISA, against an fp64 reference, on small shapes (dense, causal
/// with S &gt; T and S &lt; T, grouped heads, block lists with empty rows).
/// </para>
/// </remarks>
public static partial class FlashAttentionHalfKernel
{
    /// <summary>Queries per group and keys per block.</summary>
    public const int BlockSize = 64;

    /// <summary>The head size this kernel is written for.</summary>
    public const int HeadSize = 128;

    /// <summary>Threads per group (4 warps).</summary>
    public const int GroupSize = 128;

    /// <summary>Dynamic shared memory per group: two K and two V buffers and the Q tile.</summary>
    public const int SharedMemoryBytes = 5 * TileBytes;

    private const int TileBytes = BlockSize * HeadSize * 2;
    private const int ValueBase = 2 * TileBytes;
    private const int QueryBase = 4 * TileBytes;

    /// <summary>
    /// Computes o = softmax(scale · q·kᵀ) · v for one 64-query block of one (batch, query head): grid
    /// (T / 64, B · Hq), <see cref="GroupSize"/> threads, <see cref="SharedMemoryBytes"/> of dynamic shared memory.
    /// </summary>
    /// <param name="query">Address of q [B, Hq, T, 128] fp16.</param>
    /// <param name="key">Address of k [B, Hkv, S, 128] fp16.</param>
    /// <param name="value">Address of v [B, Hkv, S, 128] fp16.</param>
    /// <param name="output">Address of o [B, Hq, T, 128] fp16.</param>
    /// <param name="blockOffsets">Empty for all key blocks; else CSR row starts [B · Hkv · T / 64 + 1] into <paramref name="blockIndices"/>.</param>
    /// <param name="blockIndices">Ascending key-block ids (64 keys each) of every CSR row.</param>
    /// <param name="parameters">Sizes, mask and scale.</param>
    [GpuKernel(HasInlinePtx: true)]
    public static void Run(
        ulong query, ulong key, ulong value, ulong output,
        ArrayView<int> blockOffsets, ArrayView<int> blockIndices, FlashAttentionHalfParameters parameters)
    {
        // The dynamic shared memory is addressed in PTX through ILGPU's symbol for it, which needs this call.
        SharedMemory.GetDynamic<byte>();

        int thread = Group.IdxX;
        int lane = thread & 31;
        int warp = thread >> 5;
        int queryBlocks = Grid.DimX;
        int queryBlock = queryBlocks - 1 - Grid.IdxX; // the longest causal rows start first
        int batchHead = Grid.IdxY;
        int batch = batchHead / parameters.QueryHeads;
        int head = batchHead - batch * parameters.QueryHeads;
        int kvHead = batch * parameters.KeyValueHeads + head / parameters.Group;
        const long rowBytes = HeadSize * 2;

        // Per-lane ldmatrix addresses (see the remarks) and this thread's chunk of every tile copy.
        int keyRow = (((lane >> 4) << 3) + (lane & 7)) * (int)rowBytes;
        int keyXor = (((lane >> 3) & 1) ^ (lane & 7)) << 4;
        int valueRow = (lane & 15) * (int)rowBytes;
        int queryXor = ((lane >> 4) ^ (lane & 7)) << 4;
        CudaAsm.Emit(Init, keyRow, keyXor, ValueBase + valueRow, queryXor);
        int copyRow = thread >> 4;
        int copyChunk = thread & 15;
        int copyShared = copyRow * (int)rowBytes + ((copyChunk ^ copyRow) << 4);
        long copyGlobal = copyRow * rowBytes + (copyChunk << 4);

        long queryTile = (long)query + ((long)batchHead * parameters.QueryLength + (long)queryBlock * BlockSize) * rowBytes;
        long keyHead = (long)key + (long)kvHead * parameters.KeyLength * rowBytes;
        long valueHead = (long)value + (long)kvHead * parameters.KeyLength * rowBytes;
        CudaAsm.Emit(LoadTile, QueryBase + copyShared, queryTile + copyGlobal);
        CudaAsm.Emit(Commit);

        // The key blocks to visit: all, or one CSR row; with the causal mask, none past the diagonal block.
        bool listed = blockOffsets.Length > 0;
        int first = 0;
        int count = parameters.KeyLength / BlockSize;
        if (listed)
        {
            int row = kvHead * queryBlocks + queryBlock;
            first = blockOffsets[row];
            count = blockOffsets[row + 1] - first;
        }
        int diagonal = parameters.Causal != 0
            ? queryBlock + (parameters.KeyLength - parameters.QueryLength) / BlockSize
            : int.MaxValue;
        int current = BlockAt(blockIndices, listed, first, 0, count, diagonal);
        if (current >= 0)
        {
            long offset = (long)current * BlockSize * rowBytes + copyGlobal;
            CudaAsm.Emit(LoadTile, copyShared, keyHead + offset);
            CudaAsm.Emit(LoadTile, ValueBase + copyShared, valueHead + offset);
        }
        CudaAsm.Emit(Commit);
        CudaAsm.Emit(WaitAllButOne);
        Group.Barrier();
        CudaAsm.Emit(LoadQuery, QueryBase + (warp * 16 + (lane & 15)) * (int)rowBytes, queryXor);

        int diagonalOffset = warp * 16 + (lane >> 2) - ((lane & 3) << 1);
        int buffer = 0;
        int next = BlockAt(blockIndices, listed, first, 1, count, diagonal);
        for (int i = 2; current >= 0; i++)
        {
            // Read one id ahead, so that a listed id's load is not waited for before the copy it starts.
            int afterNext = BlockAt(blockIndices, listed, first, i, count, diagonal);
            if (next >= 0)
            {
                long offset = (long)next * BlockSize * rowBytes + copyGlobal;
                int shared = (buffer ^ 1) * TileBytes + copyShared;
                CudaAsm.Emit(LoadTile, shared, keyHead + offset);
                CudaAsm.Emit(LoadTile, ValueBase + shared, valueHead + offset);
            }
            CudaAsm.Emit(Commit);
            CudaAsm.Emit(WaitAllButOne);
            Group.Barrier();

            CudaAsm.Emit(Scores, buffer * TileBytes);
            if (current == diagonal)
            {
                CudaAsm.Emit(MaskDiagonal, diagonalOffset);
            }
            CudaAsm.Emit(Softmax, parameters.ScaleLog2);
            CudaAsm.Emit(AccumulateValues, buffer * TileBytes);
            Group.Barrier(); // every warp is done with this buffer before the next iteration refills it

            current = next;
            next = afterNext;
            buffer ^= 1;
        }

        long outputRow = (long)batchHead * parameters.QueryLength + (long)queryBlock * BlockSize + warp * 16 + (lane >> 2);
        CudaAsm.Emit(Store, (long)output + outputRow * rowBytes + ((lane & 3) << 2));
    }

    /// <summary>The <paramref name="index"/>-th key block to visit, or −1 past the last one or past the diagonal.</summary>
    private static int BlockAt(ArrayView<int> blockIndices, bool listed, int first, int index, int count, int diagonal)
    {
        if (index >= count)
        {
            return -1;
        }
        int block = listed ? blockIndices[first + index] : index;
        return block <= diagonal ? block : -1;
    }
}
