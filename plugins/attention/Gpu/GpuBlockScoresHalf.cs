using Sieve.Abstractions;
using Sieve.Kernels;
using Sieve.Kernels.Gpu;

namespace Sieve.Plugins.Attention.Gpu;

/// <summary>
/// The block-scoring stage of <see cref="GpuBlockSparseAttention"/> on tensor cores (<see cref="BlockScoresHalfKernel"/>):
/// the same [Rows, MaxBlocks] fp32 scores as <see cref="BlockScoresKernel"/>, from fp16 queries and compressed keys
/// (<see cref="ToHalf"/> converts fp32 ones). Loads its kernels at construction; enqueues on the device's current stream
/// and never waits. Thread-safe.
/// </summary>
public sealed class GpuBlockScoresHalf
{
    /// <summary>Shared memory one group may use on the devices we target (H100: 227 KiB).</summary>
    private const int MaxSharedBytes = 227 * 1024;

    private readonly IGpuKernel _scores;
    private readonly GpuHalfConversion _toHalf;

    /// <param name="device">The device; kernels are compiled once and cached by it.</param>
    public GpuBlockScoresHalf(IGpuDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        _scores = device.Kernel(typeof(BlockScoresHalfKernel).GetMethod(nameof(BlockScoresHalfKernel.Run))!);
        _toHalf = new GpuHalfConversion(device);
    }

    /// <summary>What the kernel cannot run whatever the compression, as a reason, or null (see also <see cref="Unsupported(AttentionDims, int)"/>).</summary>
    public static string? Unsupported(AttentionDims dims)
    {
        if (dims.Batch <= 0 || dims.QueryHeads <= 0 || dims.KeyValueHeads <= 0 || dims.QueryLength <= 0 || dims.KeyLength <= 0)
        {
            return $"every size must be positive (got {dims})";
        }
        if (dims.QueryHeads % dims.KeyValueHeads != 0)
        {
            return $"{dims.QueryHeads} query heads are not a multiple of {dims.KeyValueHeads} key/value heads";
        }
        if (dims.HeadSize != BlockScoresHalfKernel.HeadSize)
        {
            return $"head size {dims.HeadSize} is not supported by the fp16 block-score kernel (only {BlockScoresHalfKernel.HeadSize})";
        }
        if ((long)dims.Batch * dims.KeyValueHeads > ushort.MaxValue)
        {
            return $"batch × key/value heads = {(long)dims.Batch * dims.KeyValueHeads} is above the grid limit of {ushort.MaxValue}";
        }
        long queryElements = (long)dims.Batch * dims.QueryHeads * dims.QueryLength * dims.HeadSize;
        return queryElements > int.MaxValue - (1 << 24) ? $"{queryElements} query elements exceed the fp16 conversion's 32-bit indexing" : null;
    }

    /// <summary>
    /// What the kernel cannot run for rows of <paramref name="maxCompressed"/> compressed keys (its importance array is
    /// in shared memory: about 45 000 keys, 720 K tokens at stride 16), as a reason, or null.
    /// </summary>
    public static string? Unsupported(AttentionDims dims, int maxCompressed)
    {
        if (Unsupported(dims) is { } reason)
        {
            return reason;
        }
        var bytes = BlockScoresHalfKernel.SharedBytes(maxCompressed);
        return bytes > MaxSharedBytes
            ? $"{maxCompressed} compressed keys per row need {bytes} bytes of shared memory to score blocks in fp16, over the GPU's {MaxSharedBytes}"
            : null;
    }

    /// <summary>
    /// Enqueues the block scores into <paramref name="scores"/> [B·Hkv·⌈T/64⌉, <paramref name="maxBlocks"/>] fp32, row
    /// (b·Hkv + kvHead)·⌈T/64⌉ + query block, as <see cref="BlockScoresKernel"/> (the row's ⌈length / 64⌉ first entries are written).
    /// </summary>
    /// <param name="dims">Sizes; see <see cref="Unsupported(AttentionDims, int)"/>.</param>
    /// <param name="scale">Score scale, positive and finite.</param>
    /// <param name="causal">Whether a query scores only the compressed keys whose whole window it sees (bottom-right aligned).</param>
    /// <param name="compressionKernel">Tokens per compressed key.</param>
    /// <param name="compressionStride">Tokens between compressed keys.</param>
    /// <param name="maxCompressed">Compressed keys per row of <paramref name="compressed"/> (<see cref="CompressKeysKernel.Count"/> of S).</param>
    /// <param name="maxBlocks">Scores per row of <paramref name="scores"/> (⌈S / 64⌉).</param>
    /// <param name="query">q [B, Hq, T, 128] fp16.</param>
    /// <param name="compressed">Compressed keys [B·Hkv, <paramref name="maxCompressed"/>, 128] fp16.</param>
    /// <param name="keyStarts">int32 [B].</param>
    /// <param name="keyEnds">int32 [B].</param>
    /// <param name="scores">fp32 [B·Hkv·⌈T/64⌉, <paramref name="maxBlocks"/>], written.</param>
    /// <exception cref="ArgumentException">The sizes or the scale are not supported.</exception>
    public void Launch(AttentionDims dims, float scale, bool causal, int compressionKernel, int compressionStride, int maxCompressed, int maxBlocks,
        DeviceAddress query, DeviceAddress compressed, DeviceAddress keyStarts, DeviceAddress keyEnds, DeviceAddress scores)
    {
        if (Unsupported(dims, maxCompressed) is { } reason)
        {
            throw new ArgumentException($"GPU fp16 block scores: {reason}.", nameof(dims));
        }
        if (!float.IsFinite(scale) || scale <= 0)
        {
            throw new ArgumentException($"The scale must be positive and finite (got {scale}).", nameof(scale));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(compressionKernel, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(compressionStride, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCompressed, CompressKeysKernel.Count(dims.KeyLength, compressionKernel, compressionStride));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBlocks, (dims.KeyLength + BlockScoresHalfKernel.BlockSize - 1) / BlockScoresHalfKernel.BlockSize);
        var tiles = GpuDenseAttention.QueryTiles(dims);
        var kvRows = dims.Batch * dims.KeyValueHeads;
        _scores.Launch(
            new GpuLaunch(tiles, kvRows, 1, BlockScoresHalfKernel.GroupSize, BlockScoresHalfKernel.SharedBytes(maxCompressed)),
            new KernelArguments()
                .Value(query.Value)
                .Value(compressed.Value)
                .View<int>(keyStarts, dims.Batch)
                .View<int>(keyEnds, dims.Batch)
                .Value(scores.Value)
                .Value(new BlockScoresHalfParameters(dims.QueryHeads, dims.KeyValueHeads, dims.Group, dims.QueryLength, dims.KeyLength, causal ? 1 : 0,
                    scale * (float)Math.Log2(Math.E), tiles, maxCompressed, maxBlocks, compressionKernel, compressionStride)));
    }

    /// <summary>Enqueues target[i] = (fp16)source[i] for i &lt; <paramref name="count"/> (e.g. the query, or the compressed keys).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is negative or above the kernel's 32-bit indexing.</exception>
    public void ToHalf(DeviceAddress source, DeviceAddress target, long count)
    {
        _toHalf.ToHalf(source, target, count);
    }
}
