using Sieve.Abstractions;

namespace Sieve.Kernels.Gpu;

/// <summary>
/// fp32 attention on the GPU with the best kernel a call allows: <see cref="FlashAttentionFastKernel"/> (head sizes 4–128
/// in powers of two, 16-byte aligned tensors; 1.7× the general kernel on an H100 at 16K tokens) or else
/// <see cref="FlashAttentionKernel"/> (any head size up to 128). Same results either way (bench/results: max |Δ| 0).
/// Loads both kernels at construction. Thread-safe.
/// </summary>
public sealed class GpuAttention(IGpuDevice device)
{
    private readonly GpuDenseAttention _general = new(device);
    private readonly GpuDenseAttention _fast = new(device, fast: true);

    /// <summary>What neither kernel can run, as a reason, or null.</summary>
    public static string? Unsupported(AttentionDims dims) => GpuDenseAttention.Unsupported(dims);

    /// <inheritdoc cref="GpuDenseAttention.Compute(AttentionDims, float, bool, DeviceAddress, DeviceAddress, DeviceAddress, DeviceAddress, DeviceAddress, DeviceAddress)"/>
    public void Compute(AttentionDims dims, float scale, bool causal, DeviceAddress query, DeviceAddress key, DeviceAddress value,
        DeviceAddress output, DeviceAddress keyStarts, DeviceAddress keyEnds) =>
        Compute(dims, scale, causal, query, key, value, output, keyStarts, keyEnds, default, 0, default, 0);

    /// <inheritdoc cref="GpuDenseAttention.Compute(AttentionDims, float, bool, DeviceAddress, DeviceAddress, DeviceAddress, DeviceAddress, DeviceAddress, DeviceAddress, DeviceAddress, long, DeviceAddress, long)"/>
    public void Compute(AttentionDims dims, float scale, bool causal, DeviceAddress query, DeviceAddress key, DeviceAddress value,
        DeviceAddress output, DeviceAddress keyStarts, DeviceAddress keyEnds,
        DeviceAddress blockOffsets, long offsetsLength, DeviceAddress blockIndices, long indicesLength)
    {
        var fast = GpuDenseAttention.Unsupported(dims, fast: true) is null && ((query.Value | key.Value | value.Value | output.Value) & 15) == 0;
        (fast ? _fast : _general).Compute(dims, scale, causal, query, key, value, output, keyStarts, keyEnds,
            blockOffsets, offsetsLength, blockIndices, indicesLength);
    }
}
