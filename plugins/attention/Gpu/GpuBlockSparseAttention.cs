using Sieve.Abstractions;
using Sieve.Kernels;
using Sieve.Kernels.Gpu;

namespace Sieve.Plugins.Attention.Gpu;

/// <summary>
/// <c>attention/block-sparse</c> on the GPU, with the numbers of <see cref="BlockSparseAttention"/>: compressed keys
/// (<see cref="CompressKeysKernel"/>), block scores per (batch, kv head, block of 64 queries)
/// (<see cref="BlockScoresKernel"/>), the chosen blocks as CSR lists (<see cref="BlockSelectKernel"/>), then flash
/// attention over those blocks only (<see cref="GpuDenseAttention"/>). Inputs with fewer keys than
/// <see cref="BlockSparseAttentionOptions.DenseBelow"/> run dense. Every call enqueues four launches on the device's
/// current stream and allocates its scratch from the device (freed, stream-ordered, when the call returns); it never
/// waits. Loads its kernels at construction. Thread-safe.
/// </summary>
public sealed class GpuBlockSparseAttention
{
    /// <summary>Shared memory one group may use on the devices we target (H100: 227 KiB).</summary>
    private const int MaxSharedBytes = 227 * 1024;

    private readonly IGpuDevice _device;
    private readonly BlockSparseAttentionOptions _options;
    private readonly GpuDenseAttention _attention;
    private readonly IGpuKernel _compress;
    private readonly IGpuKernel _scores;
    private readonly IGpuKernel _select;

    /// <param name="device">The device; kernels are compiled once and cached by it.</param>
    /// <param name="options">The options; <see cref="BlockSparseAttentionOptions.BlockSize"/> must be 64 (see <see cref="Unsupported"/>).</param>
    public GpuBlockSparseAttention(IGpuDevice device, BlockSparseAttentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(options);
        _device = device;
        _options = options;
        _attention = new GpuDenseAttention(device);
        _compress = device.Kernel(typeof(CompressKeysKernel).GetMethod(nameof(CompressKeysKernel.Run))!);
        _scores = device.Kernel(typeof(BlockScoresKernel).GetMethod(nameof(BlockScoresKernel.Run))!);
        _select = device.Kernel(typeof(BlockSelectKernel).GetMethod(nameof(BlockSelectKernel.Run))!);
    }

    /// <summary>What the GPU path cannot run with these options and sizes, as a reason, or null.</summary>
    public static string? Unsupported(BlockSparseAttentionOptions options, AttentionDims dims)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.BlockSize != GpuTile.Rows)
        {
            return $"block size {options.BlockSize} is not supported on the GPU: its kernels work in blocks of {GpuTile.Rows} queries and keys";
        }
        if (GpuDenseAttention.Unsupported(dims) is { } reason)
        {
            return reason;
        }
        if (dims.KeyLength < options.DenseBelow)
        {
            return null;
        }
        var maxBlocks = MaxBlocks(dims);
        var scoreBytes = BlockScoresKernel.SharedBytes(dims.HeadSize, dims.Group, maxBlocks);
        if (scoreBytes > MaxSharedBytes || BlockSelectKernel.SharedBytes(maxBlocks) > MaxSharedBytes)
        {
            return $"{dims.KeyLength} keys with {dims.Group} query heads per key/value head need {scoreBytes} bytes of shared memory to select blocks, over the GPU's {MaxSharedBytes}";
        }
        var rows = (long)dims.Batch * dims.KeyValueHeads * GpuDenseAttention.QueryTiles(dims);
        return rows * maxBlocks > int.MaxValue ? $"{rows * maxBlocks} block scores exceed the GPU kernels' 32-bit indexing" : null;
    }

    /// <summary>Computes block-sparse attention (layouts as <see cref="FlashAttentionKernel.Run"/>).</summary>
    /// <exception cref="ArgumentException">The options or sizes are not supported (<see cref="Unsupported"/>).</exception>
    public void Compute(AttentionDims dims, float scale, bool causal, DeviceAddress query, DeviceAddress key, DeviceAddress value,
        DeviceAddress output, DeviceAddress keyStarts, DeviceAddress keyEnds)
    {
        if (Unsupported(_options, dims) is { } reason)
        {
            throw new ArgumentException($"GPU block-sparse attention: {reason}.", nameof(dims));
        }
        if (dims.KeyLength < _options.DenseBelow || dims.KeyLength == 0 || dims.Batch == 0 || dims.QueryLength == 0)
        {
            _attention.Compute(dims, scale, causal, query, key, value, output, keyStarts, keyEnds);
            return;
        }
        var d = dims.HeadSize;
        var maxCompressed = CompressKeysKernel.Count(dims.KeyLength, _options.CompressionKernel, _options.CompressionStride);
        var maxBlocks = MaxBlocks(dims);
        var tiles = GpuDenseAttention.QueryTiles(dims);
        var kvRows = dims.Batch * dims.KeyValueHeads;
        var rows = kvRows * tiles;
        var entries = Entries(_options, causal, maxBlocks);
        var queryElements = (long)dims.Batch * dims.QueryHeads * dims.QueryLength * d;
        var keyElements = (long)kvRows * dims.KeyLength * d;

        using var compressed = _device.Allocate((long)kvRows * maxCompressed * d * sizeof(float));
        using var scores = _device.Allocate((long)rows * maxBlocks * sizeof(float));
        using var offsets = _device.Allocate((long)(rows + 1) * sizeof(int));
        using var indices = _device.Allocate((long)rows * entries * sizeof(int));

        _compress.Launch(
            new GpuLaunch((maxCompressed * d + CompressKeysKernel.Threads - 1) / CompressKeysKernel.Threads, kvRows, 1, CompressKeysKernel.Threads),
            new KernelArguments()
                .View<float>(key, keyElements)
                .View<int>(keyStarts, dims.Batch)
                .View<int>(keyEnds, dims.Batch)
                .View<float>(compressed.Address, (long)kvRows * maxCompressed * d)
                .Value(new CompressKeysParameters(dims.KeyValueHeads, dims.KeyLength, d, _options.CompressionKernel, _options.CompressionStride, maxCompressed)));
        _scores.Launch(
            new GpuLaunch(tiles, kvRows, 1, GpuTile.Threads, BlockScoresKernel.SharedBytes(d, dims.Group, maxBlocks)),
            new KernelArguments()
                .View<float>(query, queryElements)
                .View<float>(compressed.Address, (long)kvRows * maxCompressed * d)
                .View<int>(keyStarts, dims.Batch)
                .View<int>(keyEnds, dims.Batch)
                .View<float>(scores.Address, (long)rows * maxBlocks)
                .Value(new BlockScoresParameters(dims.QueryHeads, dims.KeyValueHeads, dims.QueryLength, dims.KeyLength, d, scale, causal ? 1 : 0,
                    tiles, maxCompressed, maxBlocks, _options.CompressionKernel, _options.CompressionStride)));
        var density = BitConverter.DoubleToInt64Bits(_options.Density);
        _select.Launch(
            new GpuLaunch(rows, 1, 1, BlockSelectKernel.Threads, BlockSelectKernel.SharedBytes(maxBlocks)),
            new KernelArguments()
                .View<float>(scores.Address, (long)rows * maxBlocks)
                .View<int>(keyStarts, dims.Batch)
                .View<int>(keyEnds, dims.Batch)
                .View<int>(offsets.Address, rows + 1)
                .View<int>(indices.Address, (long)rows * entries)
                .Value(new BlockSelectParameters(dims.KeyValueHeads, dims.QueryLength, dims.KeyLength, causal ? 1 : 0, tiles, rows, maxBlocks, entries,
                    _options.TopKBlocks, (int)(density & 0xFFFFFFFF), (int)(density >> 32), _options.WindowBlocks, _options.KeepFirstBlock ? 1 : 0)));
        _attention.Compute(dims, scale, causal, query, key, value, output, keyStarts, keyEnds,
            offsets.Address, rows + 1, indices.Address, (long)rows * entries);
    }

    /// <summary>Key blocks of a full row.</summary>
    private static int MaxBlocks(AttentionDims dims) => Math.Max(1, (dims.KeyLength + GpuTile.Keys - 1) / GpuTile.Keys);

    /// <summary>List entries per row: the most blocks a row can choose (its budget, or the forced blocks if more).</summary>
    private static int Entries(BlockSparseAttentionOptions options, bool causal, int maxBlocks)
    {
        var budget = options.Density > 0 ? (long)Math.Ceiling(options.Density * maxBlocks) : options.TopKBlocks;
        // Forced: the first block, the (at most two) diagonal blocks and the window before (and after, when not causal).
        var forced = (options.KeepFirstBlock ? 1L : 0L) + 2 + options.WindowBlocks + (causal ? 0 : options.WindowBlocks);
        return (int)Math.Clamp(Math.Max(budget, forced), 1, maxBlocks);
    }
}
