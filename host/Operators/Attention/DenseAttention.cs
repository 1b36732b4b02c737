using Sieve.Abstractions;
using Sieve.Kernels;
using Sieve.Kernels.Gpu;

namespace Sieve.Host.Operators.Attention;

/// <summary>
/// <c>attention/dense</c>: the reference attention, built into the host. Exact softmax attention on the CPU,
/// multi-threaded over batch × heads × query blocks, SIMD micro-kernels, stable softmax, left and right padding,
/// causal masks with a KV cache before the queries, grouped-query attention; on CUDA the same attention as a
/// flash-style fp32 kernel (<see cref="GpuAttention"/>) on the host's GPU. Thread-safe (stateless).
/// </summary>
internal sealed class DenseAttention(DenseAttentionOptions options, IGpuDevice? gpu = null) : IAttention
{
    public const string Name = "dense";

    private readonly Lazy<GpuAttention>? _gpu = gpu is null ? null : new Lazy<GpuAttention>(() => new GpuAttention(gpu));

    public string? CheckSupport(AttentionShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Device == DeviceKind.Cuda)
        {
            // Sizes read from the tensors at run time (0 here) are checked by the kernels on the first call.
            return _gpu is null ? "the host offers no GPU device service" : shape.HeadSize == 0 ? null : GpuAttention.Unsupported(AttentionDims.Of(shape));
        }
        return AttentionDims.Unsupported(shape);
    }

    public void Compute(AttentionShape shape, TensorView<float> query, TensorView<float> key, TensorView<float> value,
        ReadOnlySpan<int> keyLengths, TensorView<float> output, OperatorRunContext context) =>
        Compute(shape, query, key, value, [], keyLengths, output, context);

    public void Compute(AttentionShape shape, TensorView<float> query, TensorView<float> key, TensorView<float> value,
        ReadOnlySpan<int> keyStarts, ReadOnlySpan<int> keyEnds, TensorView<float> output, OperatorRunContext context)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var dims = AttentionDims.Of(query, key, shape);
        MultiHeadAttention.Compute(query.Memory, key.Memory, value.Memory, output.Memory, dims, keyStarts.ToArray(), keyEnds.ToArray(),
            shape.Scale, shape.Causal, options.QueryBlock - options.QueryBlock % AttentionTile.Rows, MultiHeadAttention.AllKeys);
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
        var gpuAttention = _gpu?.Value ?? throw new NotSupportedException("attention/dense got device tensors but the host offers no GPU device service.");
        gpuAttention.Compute(AttentionDims.Of(query, key, shape), shape.Scale, shape.Causal, query.Address, key.Address, value.Address, output.Address,
            keyStarts.Address, keyEnds.Address);
    }
}
