using Sieve.Abstractions;
using Sieve.Kernels;
using Sieve.Kernels.Gpu;

namespace Sieve.Host.Onnx.Passes.Attention;

/// <summary>
/// <c>attention/dense</c>: the reference attention, built into the host. Exact softmax attention on the CPU,
/// multi-threaded over batch × heads × query blocks, SIMD micro-kernels, stable softmax, left and right padding,
/// causal masks with a KV cache before the queries, grouped-query attention; on CUDA the same attention as a
/// flash-style fp32 kernel (<see cref="GpuAttention"/>) on the host's GPU. Thread-safe (stateless).
/// </summary>
internal sealed class DenseAttention(DenseAttentionOptions options, IGpuDevice? gpu = null)
    : DeviceAttention<GpuAttention>("attention/" + Name, gpu, device => new GpuAttention(device))
{
    public const string Name = "dense";

    protected override string? UnsupportedOnGpu(AttentionDims dims) => GpuAttention.Unsupported(dims);

    protected override void ComputeOnCpu(in AttentionCall attention, AttentionDims dims) =>
        MultiHeadAttention.Compute(attention.Query.Memory, attention.Key.Memory, attention.Value.Memory, attention.Output.Memory, dims,
            attention.KeyStarts.Span.ToArray(), attention.KeyEnds.Span.ToArray(), attention.Shape.Scale, attention.Shape.Causal,
            options.QueryBlock - options.QueryBlock % AttentionTile.Rows, MultiHeadAttention.AllKeys);

    protected override void ComputeOnGpu(GpuAttention gpuAttention, in AttentionCall attention, AttentionDims dims) =>
        gpuAttention.Compute(dims, attention.Shape.Scale, attention.Shape.Causal, attention.Query.Address, attention.Key.Address, attention.Value.Address,
            attention.Output.Address, attention.KeyStarts.Address, attention.KeyEnds.Address);
}
