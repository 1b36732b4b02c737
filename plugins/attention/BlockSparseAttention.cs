using Sieve.Abstractions;
using Sieve.Kernels;
using Sieve.Plugins.Attention.Gpu;

namespace Sieve.Plugins.Attention;

/// <summary>
/// <c>attention/block-sparse</c>, after InfLLM-V2: each query keeps the first key block, a local window and the
/// best-scoring blocks up to its budget (blocks count from the row's first valid key, so the sink is the first real
/// token even in a left-padded row; causal: never a block after the query's own); exact attention then runs over the
/// chosen blocks only. <see cref="BlockSparseAttentionOptions.Selection"/> picks how blocks are scored: per query token
/// (<see cref="PerQueryBlockSparseAttention"/> with <c>compressed</c>, <c>key-bounds</c> or <c>oracle</c>), or per tile of
/// queries from compressed keys (<c>compressed-tile</c>, <see cref="BlockSelector"/>). Inputs shorter than
/// <see cref="BlockSparseAttentionOptions.DenseBelow"/> keys run dense. On CUDA the <c>compressed-tile</c> selection and
/// attention run as GPU kernels (<see cref="GpuBlockSparseAttention"/>) through the host's device service; the GPU
/// refuses the other selections. Thread-safe (stateless).
/// </summary>
public sealed class BlockSparseAttention(BlockSparseAttentionOptions options, IGpuDevice? gpu = null)
    : DeviceAttention<GpuBlockSparseAttention>("attention/" + Name, gpu, device => new GpuBlockSparseAttention(device, options))
{
    public const string Name = "block-sparse";

    private readonly BlockSelector _selector = new(options);

    private readonly PerQueryBlockSparseAttention _perQuery = new(options);

    /// <summary>Sees every per-query choice (tests); null costs nothing.</summary>
    internal SelectionObserver? Observer
    {
        get => _perQuery.Observer;
        init => _perQuery = new PerQueryBlockSparseAttention(options) { Observer = value };
    }

    protected override string? UnsupportedOnGpu(AttentionDims dims) => GpuBlockSparseAttention.Unsupported(options, dims);

    protected override void ComputeOnGpu(GpuBlockSparseAttention gpuAttention, in AttentionCall attention, AttentionDims dims) =>
        gpuAttention.Compute(dims, attention.Shape.Scale, attention.Shape.Causal, attention.Query.Address, attention.Key.Address, attention.Value.Address,
            attention.Output.Address, attention.KeyStarts.Address, attention.KeyEnds.Address);

    protected override void ComputeOnCpu(in AttentionCall attention, AttentionDims dims)
    {
        var shape = attention.Shape;
        var starts = attention.KeyStarts.Span.ToArray();
        var ends = attention.KeyEnds.Span.ToArray();
        var (query, key, value, output) = (attention.Query.Memory, attention.Key.Memory, attention.Value.Memory, attention.Output.Memory);
        if (dims.KeyLength < options.DenseBelow)
        {
            MultiHeadAttention.Compute(query, key, value, output, dims, starts, ends, shape.Scale, shape.Causal,
                options.BlockSize, MultiHeadAttention.AllKeys);
            return;
        }
        if (options.Selection != BlockSelection.CompressedTile)
        {
            _perQuery.Compute(query, key, value, output, dims, starts, ends, shape.Scale, shape.Causal, shape.Layer, attention.Context);
            return;
        }
        var compressed = Compress(key, dims, starts, ends);
        var offset = dims.CausalOffset;
        void Plan(int batch, int kvHead, int queryStart, int queryEnd, int keyStart, int keyEnd, List<KeyRange> ranges)
        {
            var groupQueries = query.Span.Slice((batch * dims.QueryHeads + kvHead * dims.Group) * dims.QueryLength * dims.HeadSize,
                dims.Group * dims.QueryLength * dims.HeadSize);
            _selector.Select(groupQueries, dims.Group, dims.QueryLength, queryStart, queryEnd, compressed[batch * dims.KeyValueHeads + kvHead],
                shape.Scale, shape.Causal, offset, keyStart, ranges);
        }
        try
        {
            MultiHeadAttention.Compute(query, key, value, output, dims, starts, ends, shape.Scale, shape.Causal, options.BlockSize, Plan);
        }
        finally
        {
            foreach (var keys in compressed)
            {
                keys.Dispose();
            }
        }
    }

    /// <summary>Compressed keys of every (batch, key head), over the row's valid keys [start, end).</summary>
    private CompressedKeys[] Compress(ReadOnlyMemory<float> keys, AttentionDims dims, int[] starts, int[] ends)
    {
        var compressed = new CompressedKeys[dims.Batch * dims.KeyValueHeads];
        ParallelWork.For(compressed.Length, i =>
        {
            var (start, end) = (starts[i / dims.KeyValueHeads], ends[i / dims.KeyValueHeads]);
            var head = keys.Span.Slice((i * dims.KeyLength + start) * dims.HeadSize, Math.Max(0, end - start) * dims.HeadSize);
            compressed[i] = new CompressedKeys(head, Math.Max(0, end - start), dims.HeadSize, options.CompressionKernel, options.CompressionStride);
        });
        return compressed;
    }
}
