using Sieve.Abstractions;
using Sieve.Kernels;

namespace Sieve.Plugins.Attention.Gpu;

/// <summary>
/// The <c>key-bounds</c> selection's GPU kernels, loaded once: block bounds (<see cref="BlockKeyBoundsKernel"/>), then the
/// per-query block scores (<see cref="BlockBoundScoresKernel"/>), each enqueued on the device's current stream. The
/// per-query choice and an attention kernel over per-query block lists are not written yet, so
/// <see cref="GpuBlockSparseAttention"/> still refuses <c>key-bounds</c>. Thread-safe.
/// </summary>
public sealed class GpuKeyBoundScores
{
    private readonly IGpuKernel _bounds;
    private readonly IGpuKernel _scores;

    public GpuKeyBoundScores(IGpuDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        _bounds = device.Kernel(typeof(BlockKeyBoundsKernel).GetMethod(nameof(BlockKeyBoundsKernel.Run))!);
        _scores = device.Kernel(typeof(BlockBoundScoresKernel).GetMethod(nameof(BlockBoundScoresKernel.Run))!);
    }

    /// <summary>Blocks per row for <paramref name="dims"/> (of a full row).</summary>
    public static int MaxBlocks(AttentionDims dims, int blockSize) => Math.Max(1, (dims.KeyLength + blockSize - 1) / blockSize);

    /// <summary>Bounds into [B·Hkv, MaxBlocks, D] at <paramref name="minimum"/> and <paramref name="maximum"/>.</summary>
    public void LaunchBounds(AttentionDims dims, int blockSize, DeviceAddress key, DeviceAddress keyStarts, DeviceAddress keyEnds, DeviceAddress minimum,
        DeviceAddress maximum)
    {
        var maxBlocks = MaxBlocks(dims, blockSize);
        var rows = dims.Batch * dims.KeyValueHeads;
        var elements = (long)rows * maxBlocks * dims.HeadSize;
        _bounds.Launch(new GpuLaunch((maxBlocks * dims.HeadSize + BlockKeyBoundsKernel.Threads - 1) / BlockKeyBoundsKernel.Threads, rows, 1, BlockKeyBoundsKernel.Threads),
            new KernelArguments()
                .View<float>(key, (long)rows * dims.KeyLength * dims.HeadSize)
                .View<int>(keyStarts, dims.Batch)
                .View<int>(keyEnds, dims.Batch)
                .View<float>(minimum, elements)
                .View<float>(maximum, elements)
                .Value(new BlockKeyBoundsParameters(dims.KeyValueHeads, dims.KeyLength, dims.HeadSize, blockSize, maxBlocks)));
    }

    /// <summary>Scores into [B·Hkv·T, MaxBlocks] at <paramref name="scores"/> (−∞ for blocks a query does not see).</summary>
    public void LaunchScores(AttentionDims dims, int blockSize, float scale, bool causal, DeviceAddress query, DeviceAddress minimum, DeviceAddress maximum,
        DeviceAddress keyStarts, DeviceAddress keyEnds, DeviceAddress scores)
    {
        var maxBlocks = MaxBlocks(dims, blockSize);
        var rows = dims.Batch * dims.KeyValueHeads;
        var elements = (long)rows * maxBlocks * dims.HeadSize;
        _scores.Launch(new GpuLaunch((maxBlocks + BlockBoundScoresKernel.Threads - 1) / BlockBoundScoresKernel.Threads, rows * dims.QueryLength, 1,
                BlockBoundScoresKernel.Threads),
            new KernelArguments()
                .View<float>(query, (long)dims.Batch * dims.QueryHeads * dims.QueryLength * dims.HeadSize)
                .View<float>(minimum, elements)
                .View<float>(maximum, elements)
                .View<int>(keyStarts, dims.Batch)
                .View<int>(keyEnds, dims.Batch)
                .View<float>(scores, (long)rows * dims.QueryLength * maxBlocks)
                .Value(new BlockBoundScoresParameters(dims.QueryHeads, dims.KeyValueHeads, dims.QueryLength, dims.KeyLength, dims.HeadSize, scale,
                    causal ? 1 : 0, dims.CausalOffset, blockSize, maxBlocks)));
    }
}
