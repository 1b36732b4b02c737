using Sieve.Abstractions;
using Sieve.Kernels;
using Sieve.Kernels.Gpu;

namespace Sieve.Plugins.Attention.Gpu;

/// <summary>
/// <c>attention/block-sparse</c> on the GPU, with the numbers of <see cref="BlockSparseAttention"/>: compressed keys
/// (<see cref="CompressKeysKernel"/>), block scores per (batch, kv head, block of 64 queries)
/// (<see cref="BlockScoresKernel"/>, or on tensor cores from fp16 inputs with <c>ScorePrecision: fp16</c>:
/// <see cref="GpuBlockScoresHalf"/>), the chosen blocks as CSR lists (<see cref="BlockSelectKernel"/>), then flash
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
    private readonly GpuAttention _attention;
    private readonly IGpuKernel _compress;
    private readonly IGpuKernel _scores;
    private readonly IGpuKernel _select;
    private readonly GpuBlockScoresHalf? _scoresHalf;

    /// <param name="device">The device; kernels are compiled once and cached by it.</param>
    /// <param name="options">The options; <see cref="BlockSparseAttentionOptions.BlockSize"/> must be 64 (see <see cref="Unsupported"/>).</param>
    public GpuBlockSparseAttention(IGpuDevice device, BlockSparseAttentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(options);
        _device = device;
        _options = options;
        _attention = new GpuAttention(device);
        _compress = device.Kernel(typeof(CompressKeysKernel).GetMethod(nameof(CompressKeysKernel.Run))!);
        _scores = device.Kernel(typeof(BlockScoresKernel).GetMethod(nameof(BlockScoresKernel.Run))!);
        _select = device.Kernel(typeof(BlockSelectKernel).GetMethod(nameof(BlockSelectKernel.Run))!);
        _scoresHalf = HalfScores(options) ? new GpuBlockScoresHalf(device) : null;
    }

    private static bool HalfScores(BlockSparseAttentionOptions options) => options.ScorePrecision == "fp16";

    /// <summary>What the GPU path cannot run with these options and sizes, as a reason, or null.</summary>
    public static string? Unsupported(BlockSparseAttentionOptions options, AttentionDims dims)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Selection != BlockSelection.CompressedTile)
        {
            return $"Selection '{options.Selection}' has no GPU kernels (they run '{BlockSelection.CompressedTile}': one choice per tile of " +
                $"{GpuTile.Rows} queries); set Sieve:Operators:attention:Options:Selection to {BlockSelection.CompressedTile} or run on the CPU";
        }
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
        if (HalfScores(options) && GpuBlockScoresHalf.Unsupported(dims,
                CompressKeysKernel.Count(dims.KeyLength, options.CompressionKernel, options.CompressionStride)) is { } halfReason)
        {
            return $"ScorePrecision fp16: {halfReason}";
        }
        var scoreBytes = HalfScores(options) ? 0 : BlockScoresKernel.SharedBytes(dims.HeadSize, dims.Group, maxBlocks);
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
        if (causal && !dims.QueriesAreLastKeys)
        {
            throw new NotSupportedException("GPU block-sparse attention: a causal offset other than keyLength − queryLength (an in-place KV cache " +
                "longer than its filled keys) is not supported by the block selection kernels; the dense path below DenseBelow keys supports it.");
        }
        var plan = Plan.Of(dims, _options, causal);
        using var compressed = _device.Allocate(plan.CompressedElements * sizeof(float));
        using var scores = _device.Allocate(plan.ScoreElements * sizeof(float));
        using var offsets = _device.Allocate((plan.Rows + 1L) * sizeof(int));
        using var indices = _device.Allocate(plan.IndexElements * sizeof(int));
        LaunchCompress(dims, plan, key, keyStarts, keyEnds, compressed.Address);
        if (_scoresHalf is null)
        {
            LaunchScores(dims, plan, scale, causal, query, compressed.Address, keyStarts, keyEnds, scores.Address);
        }
        else
        {
            long queryElements = (long)dims.Batch * dims.QueryHeads * dims.QueryLength * dims.HeadSize;
            using var queryHalf = _device.Allocate(queryElements * 2);
            using var compressedHalf = _device.Allocate(plan.CompressedElements * 2);
            _scoresHalf.ToHalf(query, queryHalf.Address, queryElements);
            _scoresHalf.ToHalf(compressed.Address, compressedHalf.Address, plan.CompressedElements);
            _scoresHalf.Launch(dims, scale, causal, _options.CompressionKernel, _options.CompressionStride, plan.MaxCompressed, plan.MaxBlocks,
                queryHalf.Address, compressedHalf.Address, keyStarts, keyEnds, scores.Address);
        }
        LaunchSelect(dims, plan, causal, scores.Address, keyStarts, keyEnds, offsets.Address, indices.Address);
        _attention.Compute(dims, scale, causal, query, key, value, output, keyStarts, keyEnds,
            offsets.Address, plan.Rows + 1, indices.Address, plan.IndexElements);
    }

    /// <summary>Compressed keys into [B·Hkv, MaxCompressed, D] at <paramref name="compressed"/>.</summary>
    internal void LaunchCompress(AttentionDims dims, Plan plan, DeviceAddress key, DeviceAddress keyStarts, DeviceAddress keyEnds, DeviceAddress compressed) =>
        _compress.Launch(
            new GpuLaunch((plan.MaxCompressed * dims.HeadSize + CompressKeysKernel.Threads - 1) / CompressKeysKernel.Threads, plan.KeyValueRows, 1,
                CompressKeysKernel.Threads),
            new KernelArguments()
                .View<float>(key, (long)plan.KeyValueRows * dims.KeyLength * dims.HeadSize)
                .View<int>(keyStarts, dims.Batch)
                .View<int>(keyEnds, dims.Batch)
                .View<float>(compressed, plan.CompressedElements)
                .Value(new CompressKeysParameters(dims.KeyValueHeads, dims.KeyLength, dims.HeadSize, _options.CompressionKernel,
                    _options.CompressionStride, plan.MaxCompressed)));

    /// <summary>Block scores into [Rows, MaxBlocks] at <paramref name="scores"/>.</summary>
    internal void LaunchScores(AttentionDims dims, Plan plan, float scale, bool causal, DeviceAddress query, DeviceAddress compressed,
        DeviceAddress keyStarts, DeviceAddress keyEnds, DeviceAddress scores) =>
        _scores.Launch(
            new GpuLaunch(plan.QueryTiles, plan.KeyValueRows, 1, GpuTile.Threads, BlockScoresKernel.SharedBytes(dims.HeadSize, dims.Group, plan.MaxBlocks)),
            new KernelArguments()
                .View<float>(query, (long)dims.Batch * dims.QueryHeads * dims.QueryLength * dims.HeadSize)
                .View<float>(compressed, plan.CompressedElements)
                .View<int>(keyStarts, dims.Batch)
                .View<int>(keyEnds, dims.Batch)
                .View<float>(scores, plan.ScoreElements)
                .Value(new BlockScoresParameters(dims.QueryHeads, dims.KeyValueHeads, dims.QueryLength, dims.KeyLength, dims.HeadSize, scale,
                    causal ? 1 : 0, plan.QueryTiles, plan.MaxCompressed, plan.MaxBlocks, _options.CompressionKernel, _options.CompressionStride)));

    /// <summary>CSR block lists (offsets [Rows + 1], indices [Rows·Entries]) from the scores.</summary>
    internal void LaunchSelect(AttentionDims dims, Plan plan, bool causal, DeviceAddress scores, DeviceAddress keyStarts, DeviceAddress keyEnds,
        DeviceAddress offsets, DeviceAddress indices)
    {
        var density = BitConverter.DoubleToInt64Bits(_options.Density);
        _select.Launch(
            new GpuLaunch(plan.Rows, 1, 1, BlockSelectKernel.Threads, BlockSelectKernel.SharedBytes(plan.MaxBlocks)),
            new KernelArguments()
                .View<float>(scores, plan.ScoreElements)
                .View<int>(keyStarts, dims.Batch)
                .View<int>(keyEnds, dims.Batch)
                .View<int>(offsets, plan.Rows + 1L)
                .View<int>(indices, plan.IndexElements)
                .Value(new BlockSelectParameters(dims.KeyValueHeads, dims.QueryLength, dims.KeyLength, causal ? 1 : 0, plan.QueryTiles, plan.Rows,
                    plan.MaxBlocks, plan.Entries, _options.TopKBlocks, (int)(density & 0xFFFFFFFF), (int)(density >> 32), _options.WindowBlocks,
                    _options.KeepFirstBlock ? 1 : 0)));
    }

    /// <summary>The sizes of one call's scratch.</summary>
    internal readonly record struct Plan(int MaxCompressed, int MaxBlocks, int QueryTiles, int KeyValueRows, int Rows, int Entries, int HeadSize)
    {
        public long CompressedElements => (long)KeyValueRows * MaxCompressed * HeadSize;

        public long ScoreElements => (long)Rows * MaxBlocks;

        public long IndexElements => (long)Rows * Entries;

        public static Plan Of(AttentionDims dims, BlockSparseAttentionOptions options, bool causal)
        {
            var maxBlocks = GpuBlockSparseAttention.MaxBlocks(dims);
            var tiles = GpuDenseAttention.QueryTiles(dims);
            var kvRows = dims.Batch * dims.KeyValueHeads;
            return new Plan(CompressKeysKernel.Count(dims.KeyLength, options.CompressionKernel, options.CompressionStride), maxBlocks, tiles, kvRows,
                kvRows * tiles, GpuBlockSparseAttention.Entries(options, causal, maxBlocks), dims.HeadSize);
        }
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
