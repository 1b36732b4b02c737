using Sieve.Abstractions;
using Sieve.Kernels;
using Sieve.Plugins.Attention.Gpu;

namespace Sieve.Plugins.Attention;

/// <summary>
/// <c>attention/block-sparse</c>, after InfLLM-V2: keys are mean-pooled into compressed keys (kernel 32, stride 16);
/// each block of queries picks its key blocks from the compressed scores (<see cref="BlockSelector"/>), keeping the
/// first block and a local window (blocks count from the row's first valid key, so the sink is the first real token
/// even in a left-padded row; causal: never a block after the query's own); exact attention then runs over the chosen
/// blocks only, one query or many (decoding and prefill alike). Inputs shorter than
/// <see cref="BlockSparseAttentionOptions.DenseBelow"/> keys run dense. On CUDA the same selection and attention run
/// as GPU kernels (<see cref="GpuBlockSparseAttention"/>) through the host's device service. Thread-safe (stateless).
/// </summary>
public sealed class BlockSparseAttention(BlockSparseAttentionOptions options, IGpuDevice? gpu = null) : IAttention
{
    public const string Name = "block-sparse";

    private readonly BlockSelector _selector = new(options);
    private readonly Lazy<GpuBlockSparseAttention>? _gpu = gpu is null ? null : new Lazy<GpuBlockSparseAttention>(() => new GpuBlockSparseAttention(gpu, options));

    public string? CheckSupport(AttentionShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Device == DeviceKind.Cuda)
        {
            // Sizes read from the tensors at run time (0 here) are checked by the kernels on the first call.
            return _gpu is null
                ? "the host offers no GPU device service"
                : shape.HeadSize == 0 ? null : GpuBlockSparseAttention.Unsupported(options, AttentionDims.Of(shape));
        }
        return AttentionDims.Unsupported(shape);
    }

    public void Compute(AttentionShape shape, TensorView<float> query, TensorView<float> key, TensorView<float> value,
        TensorView<int> keyStarts, TensorView<int> keyEnds, TensorView<float> output, OperatorRunContext context)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (query.Device == DeviceKind.Cpu)
        {
            Compute(shape, query, key, value, keyStarts.Span, keyEnds.Span, output, context);
            return;
        }
        var gpuAttention = _gpu?.Value ?? throw new NotSupportedException("attention/block-sparse got device tensors but the host offers no GPU device service.");
        gpuAttention.Compute(AttentionDims.Of(query, key, shape), shape.Scale, shape.Causal, query.Address, key.Address, value.Address, output.Address,
            keyStarts.Address, keyEnds.Address);
    }

    public void Compute(AttentionShape shape, TensorView<float> query, TensorView<float> key, TensorView<float> value,
        ReadOnlySpan<int> keyLengths, TensorView<float> output, OperatorRunContext context) =>
        Compute(shape, query, key, value, [], keyLengths, output, context);

    public void Compute(AttentionShape shape, TensorView<float> query, TensorView<float> key, TensorView<float> value,
        ReadOnlySpan<int> keyStarts, ReadOnlySpan<int> keyEnds, TensorView<float> output, OperatorRunContext context)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var dims = AttentionDims.Of(query, key, shape);
        var starts = keyStarts.IsEmpty ? new int[dims.Batch] : keyStarts.ToArray();
        var ends = keyEnds.ToArray();
        if (dims.KeyLength < options.DenseBelow)
        {
            MultiHeadAttention.Compute(query.Memory, key.Memory, value.Memory, output.Memory, dims, starts, ends, shape.Scale, shape.Causal,
                options.BlockSize, MultiHeadAttention.AllKeys);
            return;
        }
        var compressed = Compress(key.Memory, dims, starts, ends);
        var queries = query.Memory;
        var offset = dims.CausalOffset;
        void Plan(int batch, int kvHead, int queryStart, int queryEnd, int keyStart, int keyEnd, List<KeyRange> ranges)
        {
            var groupQueries = queries.Span.Slice((batch * dims.QueryHeads + kvHead * dims.Group) * dims.QueryLength * dims.HeadSize,
                dims.Group * dims.QueryLength * dims.HeadSize);
            _selector.Select(groupQueries, dims.Group, dims.QueryLength, queryStart, queryEnd, compressed[batch * dims.KeyValueHeads + kvHead],
                shape.Scale, shape.Causal, offset, keyStart, ranges);
        }
        try
        {
            MultiHeadAttention.Compute(query.Memory, key.Memory, value.Memory, output.Memory, dims, starts, ends, shape.Scale, shape.Causal,
                options.BlockSize, Plan);
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
