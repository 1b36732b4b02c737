using Sieve.Abstractions;

namespace Sieve.Kernels.Gpu;

/// <summary>
/// Attention on the GPU with <see cref="FlashAttentionKernel"/> (or, when asked, <see cref="FlashAttentionFastKernel"/>):
/// dense, or block-sparse through a CSR list of key blocks. Loads its kernel once, at construction; every call only
/// enqueues one launch on the device's current stream. Thread-safe (stateless after construction).
/// </summary>
/// <param name="device">The device; its kernels are compiled on first use and cached.</param>
/// <param name="fast">
/// Use <see cref="FlashAttentionFastKernel"/> (head sizes 4, 8, 16, 32, 64 and 128 only; tensors 16-byte aligned) instead
/// of <see cref="FlashAttentionKernel"/>.
/// </param>
public sealed class GpuDenseAttention(IGpuDevice device, bool fast = false)
{
    private readonly IGpuKernel _kernel = (device ?? throw new ArgumentNullException(nameof(device)))
        .Kernel(fast
            ? typeof(FlashAttentionFastKernel).GetMethod(nameof(FlashAttentionFastKernel.Run))!
            : typeof(FlashAttentionKernel).GetMethod(nameof(FlashAttentionKernel.Run))!);

    /// <summary>Whether this instance runs <see cref="FlashAttentionFastKernel"/>.</summary>
    public bool Fast { get; } = fast;

    /// <summary>What the GPU kernel (the fast one when <paramref name="fast"/>) cannot run, as a reason, or null.</summary>
    public static string? Unsupported(AttentionDims dims, bool fast = false)
    {
        if (dims.HeadSize < 1 || dims.HeadSize > GpuTile.MaxHeadSize)
        {
            return $"head size {dims.HeadSize} is outside the GPU kernel's range 1–{GpuTile.MaxHeadSize}";
        }
        if (fast && !FlashAttentionFastKernel.SupportsHeadSize(dims.HeadSize))
        {
            return $"head size {dims.HeadSize} is not one of the fast GPU kernel's 4, 8, 16, 32, 64, 128";
        }
        if (dims.KeyValueHeads < 1 || dims.QueryHeads % dims.KeyValueHeads != 0)
        {
            return $"{dims.QueryHeads} query heads are not a multiple of {dims.KeyValueHeads} key/value heads";
        }
        var elements = Math.Max((long)dims.Batch * dims.QueryHeads * dims.QueryLength, (long)dims.Batch * dims.KeyValueHeads * dims.KeyLength) * dims.HeadSize;
        return elements > int.MaxValue ? $"{elements} elements per tensor exceed the GPU kernel's 32-bit indexing" : null;
    }

    /// <summary>The launch shape of one call (of the fast kernel when <paramref name="fast"/>).</summary>
    public static GpuLaunch LaunchOf(AttentionDims dims, bool fast = false) => new(
        QueryTiles(dims), dims.Batch * dims.QueryHeads, 1, GpuTile.Threads,
        fast ? FlashAttentionFastKernel.SharedBytes : FlashAttentionKernel.SharedBytes(dims.HeadSize));

    /// <summary>Query blocks of 64 (<see cref="GpuTile.Rows"/>) per head: the CSR lists have B·Hkv·QueryTiles rows.</summary>
    public static int QueryTiles(AttentionDims dims) => (dims.QueryLength + GpuTile.Rows - 1) / GpuTile.Rows;

    /// <summary>Dense attention over the row's valid keys (see <see cref="FlashAttentionKernel.Run"/> for the layouts).</summary>
    /// <exception cref="ArgumentException">The sizes are not supported (<see cref="Unsupported"/>).</exception>
    public void Compute(AttentionDims dims, float scale, bool causal, DeviceAddress query, DeviceAddress key, DeviceAddress value,
        DeviceAddress output, DeviceAddress keyStarts, DeviceAddress keyEnds) =>
        Compute(dims, scale, causal, query, key, value, output, keyStarts, keyEnds, default, 0, default, 0);

    /// <summary>
    /// Attention over the key blocks listed per (batch, kv head, query block) in CSR form; with
    /// <paramref name="offsetsLength"/> 0, dense. Block k of a row is keys [keyStart + 64k, keyStart + 64k + 64).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The sizes are not supported, the offsets are not B·Hkv·⌈T/64⌉ + 1 long, or (fast kernel) a tensor address is not
    /// 16-byte aligned.
    /// </exception>
    public void Compute(AttentionDims dims, float scale, bool causal, DeviceAddress query, DeviceAddress key, DeviceAddress value,
        DeviceAddress output, DeviceAddress keyStarts, DeviceAddress keyEnds,
        DeviceAddress blockOffsets, long offsetsLength, DeviceAddress blockIndices, long indicesLength)
    {
        if (Unsupported(dims, Fast) is { } reason)
        {
            throw new ArgumentException($"GPU attention: {reason}.", nameof(dims));
        }
        if (Fast && ((query.Value | key.Value | value.Value | output.Value) & 15) != 0)
        {
            throw new ArgumentException("GPU attention: the fast kernel needs 16-byte aligned query, key, value and output addresses.", nameof(query));
        }
        var tiles = QueryTiles(dims);
        var rows = (long)dims.Batch * dims.KeyValueHeads * tiles;
        if (offsetsLength != 0 && offsetsLength != rows + 1)
        {
            throw new ArgumentException($"block offsets must have {rows + 1} entries (B·Hkv·⌈T/64⌉ + 1), got {offsetsLength}.", nameof(offsetsLength));
        }
        if (dims.Batch == 0 || dims.QueryHeads == 0 || dims.QueryLength == 0)
        {
            return;
        }
        var qElements = (long)dims.Batch * dims.QueryHeads * dims.QueryLength * dims.HeadSize;
        var kvElements = (long)dims.Batch * dims.KeyValueHeads * dims.KeyLength * dims.HeadSize;
        var parameters = new FlashAttentionParameters(dims.Batch, dims.QueryHeads, dims.KeyValueHeads, dims.QueryLength, dims.KeyLength,
            dims.HeadSize, scale, causal ? 1 : 0, tiles, dims.CausalOffset);
        var arguments = new KernelArguments()
            .View<float>(query, qElements)
            .View<float>(key, kvElements)
            .View<float>(value, kvElements)
            .View<float>(output, qElements)
            .View<int>(keyStarts, dims.Batch)
            .View<int>(keyEnds, dims.Batch)
            .View<int>(blockOffsets, offsetsLength)
            .View<int>(blockIndices, offsetsLength == 0 ? 0 : indicesLength)
            .Value(parameters);
        _kernel.Launch(LaunchOf(dims, Fast), arguments);
    }
}
