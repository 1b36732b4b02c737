using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime.Cuda;
using Sieve.Kernels.Gpu;

namespace Sieve.Kernels.Lexical.Gpu;

/// <summary>
/// Both lexical heads on tensor cores (mma.sync.m16n8k16, fp16 inputs, fp32 accumulation), hidden size 384, written as
/// inline PTX like <c>BlockScoresHalfKernel</c>. One kernel, two epilogues chosen by
/// <see cref="LexicalHeadHalfParameters.StoreLogits"/>: the fused head keeps each (term, sequence) maximum in registers
/// and writes weights [B, V] = log(1 + relu(max + bias)); the unfused reference writes every logit [B, S, V] (fp32) for
/// <see cref="DenseLexicalKernels.Pool"/> to read back. Same multiply, same tiles: a comparison measures the fusion.
/// </summary>
/// <remarks>
/// <para>
/// Work split: a group of 256 threads (8 warps) owns 128 terms; warp w holds terms 16w..16w+15 of W as A fragments
/// (96 registers, loaded once) and walks the sequences Grid.IdxY, Grid.IdxY + Grid.DimY, … 64 tokens at a time, each
/// tile's logits 16 × 64 in 32 registers (B operand by ldmatrix from shared memory). A sequence of no tokens takes one
/// all-masked tile, so its weights are written too (0).
/// </para>
/// <para>
/// Shared memory: three tile buffers of 64 tokens × 384 fp16 (48 KiB each; 16-byte chunk c of row r at c ^ (r % 8),
/// so ldmatrix is free of bank conflicts). Tile i is copied with cp.async two steps ahead into buffer i % 3, rows past
/// the sequence zero-filled, never read from global memory; one barrier per step orders the copies and the buffers'
/// reuse. The C# code only computes indices and stays group-uniform; all per-lane work is PTX.
/// </para>
/// <para>
/// The unrolled PTX blocks are in <c>LexicalHeadHalfKernel.Ptx.cs</c>, written by <c>tools/ptx-gen/lexical_head_half.py</c>:
/// edit the script, not the constants. <c>tools/ptx-gen/check_lexical_head_half.py</c> runs the kernel's PTX in the PTX
/// interpreter against an fp64 reference, without a GPU.
/// </para>
/// </remarks>
public static partial class LexicalHeadHalfKernel
{
    /// <summary>The hidden size this kernel is written for.</summary>
    public const int HiddenSize = 384;

    /// <summary>Terms per group.</summary>
    public const int Terms = 128;

    /// <summary>Tokens per tile.</summary>
    public const int Tokens = 64;

    /// <summary>Threads per group (8 warps).</summary>
    public const int Threads = 256;

    /// <summary>Bytes of one fp16 row of W or of the hidden states.</summary>
    public const int RowBytes = HiddenSize * 2;

    private const int TileBytes = Tokens * RowBytes;
    private const int Stages = 3;

    /// <summary>Dynamic shared memory of one group (144 KiB).</summary>
    public const int SharedBytes = Stages * TileBytes;

    /// <summary>
    /// Grid (⌈V / 128⌉, sequence groups ≤ B), <see cref="Threads"/> threads, <see cref="SharedBytes"/> of dynamic shared memory.
    /// </summary>
    /// <param name="hidden">Address of the hidden states [B, S, 384] fp16, 16-byte aligned.</param>
    /// <param name="lengths">Valid tokens per sequence [B], each in [0, S].</param>
    /// <param name="weights">Address of W [⌈V / 128⌉·128, 384] fp16 (rows past V zero), 16-byte aligned.</param>
    /// <param name="bias">[V].</param>
    /// <param name="output">Address of the weights [B, V] fp32, or with StoreLogits of the logits [B, S, V] fp32 (only valid tokens written).</param>
    /// <param name="p">The sizes.</param>
    [GpuKernel(HasInlinePtx: true)]
    public static void Run(ulong hidden, ArrayView<int> lengths, ulong weights, ArrayView<float> bias, ulong output, LexicalHeadHalfParameters p)
    {
        // The dynamic shared memory is addressed in PTX through ILGPU's symbol for it, which needs this call.
        SharedMemory.GetDynamic<byte>();

        int thread = Group.IdxX;
        int lane = thread & 31;
        int warp = thread >> 5;
        int quad = lane & 3;
        int term = Grid.IdxX * Terms + warp * 16 + (lane >> 2); // this lane's row g; row g + 8 is term + 8
        // Per-lane values stay branch-free (the interpreter check requires group-uniform control flow).
        int rows = IntrinsicMath.Min(1, IntrinsicMath.Max(0, p.Vocabulary - term)) | (IntrinsicMath.Min(1, IntrinsicMath.Max(0, p.Vocabulary - term - 8)) << 1);
        float bias0 = bias[IntrinsicMath.Min(term, p.Vocabulary - 1)];
        float bias1 = bias[IntrinsicMath.Min(term + 8, p.Vocabulary - 1)];
        int storeRows = rows * (1 - IntrinsicMath.Min(1, quad));

        CudaAsm.Emit(Init, (((lane >> 4) << 3) + (lane & 7)) * RowBytes, (((lane >> 3) & 1) ^ (lane & 7)) << 4);
        long termRow = (long)weights + (long)term * RowBytes + quad * 4;
        CudaAsm.Emit(LoadWeights, termRow, termRow + 8 * RowBytes);

        int copyRow = thread >> 4;
        int copyChunk = thread & 15;
        int copyShared = copyRow * RowBytes + ((copyChunk ^ (copyRow & 7)) << 4);
        int copyGlobal = copyRow * RowBytes + (copyChunk << 4);

        // The load cursor runs two tiles ahead of the compute cursor; both walk (sequence, first token) the same way.
        int loadSequence = Grid.IdxY;
        int loadFirst = 0;
        int loadLength = loadSequence < p.Batch ? lengths[loadSequence] : 0;
        for (int i = 0; i < Stages - 1; i++)
        {
            LoadNext(hidden, lengths, p, i * TileBytes + copyShared, copyGlobal, copyRow, ref loadSequence, ref loadFirst, ref loadLength);
        }

        int sequence = Grid.IdxY;
        int first = 0;
        int length = sequence < p.Batch ? lengths[sequence] : 0;
        int buffer = 0;
        int loadBuffer = Stages - 1;
        int logitRowBytes = p.Vocabulary * sizeof(float);
        while (sequence < p.Batch)
        {
            CudaAsm.Emit(WaitAllButOne);
            Group.Barrier(); // this step's tile has landed; every warp is done with the previous step's buffer
            LoadNext(hidden, lengths, p, loadBuffer * TileBytes + copyShared, copyGlobal, copyRow, ref loadSequence, ref loadFirst, ref loadLength);

            CudaAsm.Emit(Logits, buffer * TileBytes);
            int remaining = length - first - 2 * quad;
            if (p.StoreLogits == 0)
            {
                if (first + Tokens > length)
                {
                    CudaAsm.Emit(Mask, remaining);
                }
                CudaAsm.Emit(RowMax);
                if (first + Tokens >= length)
                {
                    long at = (long)output + ((long)sequence * p.Vocabulary + term) * sizeof(float);
                    CudaAsm.Emit(StoreWeights, bias0, bias1, at, at + 8 * sizeof(float), storeRows);
                }
            }
            else
            {
                long at = (long)output + ((long)sequence * p.Sequence + first + 2 * quad) * logitRowBytes + (long)term * sizeof(float);
                CudaAsm.Emit(StoreLogits, at, remaining, logitRowBytes, rows);
            }

            first += Tokens;
            if (first >= length)
            {
                sequence += Grid.DimY;
                first = 0;
                length = sequence < p.Batch ? lengths[sequence] : 0;
            }
            buffer = buffer == Stages - 1 ? 0 : buffer + 1;
            loadBuffer = loadBuffer == Stages - 1 ? 0 : loadBuffer + 1;
        }
    }

    /// <summary>
    /// Starts the copy of the load cursor's tile (if any is left) into the buffer at <paramref name="shared"/>, closes
    /// the copy group (empty past the last tile, so the wait counts stay in step) and moves the cursor on.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadNext(ulong hidden, ArrayView<int> lengths, LexicalHeadHalfParameters p, int shared, int copyGlobal, int copyRow,
        ref int sequence, ref int first, ref int length)
    {
        if (sequence < p.Batch)
        {
            long tile = (long)hidden + ((long)sequence * p.Sequence + first) * RowBytes;
            CudaAsm.Emit(LoadTile, shared, tile + copyGlobal, length - first - copyRow, (long)hidden);
            first += Tokens;
            if (first >= length)
            {
                sequence += Grid.DimY;
                first = 0;
                length = sequence < p.Batch ? lengths[sequence] : 0;
            }
        }
        CudaAsm.Emit(Commit);
    }
}
