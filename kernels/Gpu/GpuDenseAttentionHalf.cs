using System.Reflection;
using Sieve.Abstractions;

namespace Sieve.Kernels.Gpu;

/// <summary>
/// Attention in fp16 on the GPU with <see cref="FlashAttentionHalfKernel"/>: dense, or limited to a list of key blocks,
/// with grouped-query heads and an optional bottom-right causal mask. Thread-safe (it keeps nothing per call).
/// </summary>
/// <param name="device">The device that compiles and launches the kernel; the kernel is loaded here, once.</param>
public sealed class GpuDenseAttentionHalf(IGpuDevice device)
{
    private static readonly MethodInfo KernelMethod =
        typeof(FlashAttentionHalfKernel).GetMethod(nameof(FlashAttentionHalfKernel.Run))!;

    private readonly IGpuKernel _kernel = (device ?? throw new ArgumentNullException(nameof(device))).Kernel(KernelMethod);

    /// <summary>What the kernel cannot run, as a sentence, or null when it can.</summary>
    public static string? Unsupported(AttentionDims dims)
    {
        if (dims.Batch <= 0 || dims.QueryHeads <= 0 || dims.KeyValueHeads <= 0 || dims.QueryLength <= 0 || dims.KeyLength <= 0)
        {
            return $"every size must be positive (got {dims})";
        }
        if (!dims.QueriesAreLastKeys)
        {
            return "a causal offset other than keyLength − queryLength is not supported by the fp16 kernel";
        }
        if (dims.QueryHeads % dims.KeyValueHeads != 0)
        {
            return $"{dims.QueryHeads} query heads are not a multiple of {dims.KeyValueHeads} key/value heads";
        }
        if (dims.HeadSize != FlashAttentionHalfKernel.HeadSize)
        {
            return $"head size {dims.HeadSize} is not supported by the fp16 GPU kernel (only {FlashAttentionHalfKernel.HeadSize})";
        }
        const int block = FlashAttentionHalfKernel.BlockSize;
        if (dims.QueryLength % block != 0 || dims.KeyLength % block != 0)
        {
            return $"query length {dims.QueryLength} and key length {dims.KeyLength} must be multiples of {block} for the fp16 GPU kernel";
        }
        if ((long)dims.Batch * dims.QueryHeads > ushort.MaxValue)
        {
            return $"batch × query heads = {(long)dims.Batch * dims.QueryHeads} is above the grid limit of {ushort.MaxValue}";
        }
        return null;
    }

    /// <summary>Enqueues o = softmax(scale · q·kᵀ) · v over all key blocks on the device's current stream.</summary>
    /// <param name="dims">Sizes; see <see cref="Unsupported"/>.</param>
    /// <param name="scale">Score scale, positive and finite (usually 1/√head size).</param>
    /// <param name="causal">Whether query i sees only keys j ≤ i + S − T.</param>
    /// <param name="q">q [B, Hq, T, D] fp16, owned by the caller until the stream has run the kernel.</param>
    /// <param name="k">k [B, Hkv, S, D] fp16.</param>
    /// <param name="v">v [B, Hkv, S, D] fp16.</param>
    /// <param name="o">o [B, Hq, T, D] fp16, written.</param>
    /// <exception cref="ArgumentException">The sizes are unsupported or the scale is not positive and finite.</exception>
    public void Compute(AttentionDims dims, float scale, bool causal, DeviceAddress q, DeviceAddress k, DeviceAddress v, DeviceAddress o) =>
        Compute(dims, scale, causal, q, k, v, o, default, 0, default, 0);

    /// <summary>
    /// Enqueues attention over the key blocks listed per 64-query block (CSR), on the device's current stream. Row
    /// (b · Hkv + kvHead) · T/64 + queryBlock is shared by the query heads of that key/value head; its key-block ids
    /// (64 keys each) must ascend. An empty list (<paramref name="offsetsLength"/> 0) means all key blocks. A query row
    /// that sees no key gets zeros.
    /// </summary>
    /// <param name="dims">Sizes; see <see cref="Unsupported"/>.</param>
    /// <param name="scale">Score scale, positive and finite.</param>
    /// <param name="causal">Whether query i sees only keys j ≤ i + S − T (also within the listed blocks).</param>
    /// <param name="q">q [B, Hq, T, D] fp16.</param>
    /// <param name="k">k [B, Hkv, S, D] fp16.</param>
    /// <param name="v">v [B, Hkv, S, D] fp16.</param>
    /// <param name="o">o [B, Hq, T, D] fp16, written.</param>
    /// <param name="blockOffsets">int32 [B · Hkv · T/64 + 1] row starts into <paramref name="blockIndices"/>.</param>
    /// <param name="offsetsLength">Elements of <paramref name="blockOffsets"/>: 0 or B · Hkv · T/64 + 1.</param>
    /// <param name="blockIndices">int32 key-block ids in [0, S/64), ascending within each row.</param>
    /// <param name="indicesLength">Elements of <paramref name="blockIndices"/>.</param>
    /// <exception cref="ArgumentException">The sizes are unsupported, the scale is not positive and finite, or the offsets have the wrong length.</exception>
    public void Compute(
        AttentionDims dims, float scale, bool causal, DeviceAddress q, DeviceAddress k, DeviceAddress v, DeviceAddress o,
        DeviceAddress blockOffsets, long offsetsLength, DeviceAddress blockIndices, long indicesLength)
    {
        if (Unsupported(dims) is { } reason)
        {
            throw new ArgumentException($"Unsupported attention sizes: {reason}.", nameof(dims));
        }
        if (!float.IsFinite(scale) || scale <= 0)
        {
            throw new ArgumentException($"The scale must be positive and finite (got {scale}).", nameof(scale));
        }
        const int block = FlashAttentionHalfKernel.BlockSize;
        int queryBlocks = dims.QueryLength / block;
        long rows = (long)dims.Batch * dims.KeyValueHeads * queryBlocks;
        if (offsetsLength != 0 && offsetsLength != rows + 1)
        {
            throw new ArgumentException($"The block offsets need {rows + 1} elements (B · Hkv · T/64 + 1), not {offsetsLength}.", nameof(offsetsLength));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(indicesLength);

        var parameters = new FlashAttentionHalfParameters(
            dims.QueryHeads, dims.Group, dims.KeyValueHeads, dims.QueryLength, dims.KeyLength, causal ? 1 : 0,
            scale * (float)Math.Log2(Math.E));
        var arguments = new KernelArguments()
            .Value(q.Value)
            .Value(k.Value)
            .Value(v.Value)
            .Value(o.Value)
            .View<int>(offsetsLength == 0 ? default : blockOffsets, offsetsLength)
            .View<int>(offsetsLength == 0 ? default : blockIndices, offsetsLength == 0 ? 0 : indicesLength)
            .Value(parameters);
        _kernel.Launch(
            new GpuLaunch(queryBlocks, dims.Batch * dims.QueryHeads, 1, FlashAttentionHalfKernel.GroupSize, FlashAttentionHalfKernel.SharedMemoryBytes),
            arguments);
    }
}
