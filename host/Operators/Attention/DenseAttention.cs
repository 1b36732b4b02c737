using Sieve.Abstractions;
using Sieve.Kernels;

namespace Sieve.Host.Operators.Attention;

/// <summary>
/// <c>attention/dense</c>: the reference attention, built into the host. Exact softmax attention on the CPU,
/// multi-threaded over batch × heads × query blocks, SIMD micro-kernels, stable softmax, left and right padding,
/// causal masks with a KV cache before the queries, grouped-query attention. Thread-safe (stateless).
/// </summary>
internal sealed class DenseAttention(DenseAttentionOptions options) : IAttention
{
    public const string Name = "dense";

    public string? CheckSupport(AttentionShape shape) => AttentionDims.Unsupported(shape);

    public void Compute(AttentionShape shape, TensorView<float> query, TensorView<float> key, TensorView<float> value,
        ReadOnlySpan<int> keyLengths, TensorView<float> output, OperatorRunContext context) =>
        Compute(shape, query, key, value, [], keyLengths, output, context);

    public void Compute(AttentionShape shape, TensorView<float> query, TensorView<float> key, TensorView<float> value,
        ReadOnlySpan<int> keyStarts, ReadOnlySpan<int> keyEnds, TensorView<float> output, OperatorRunContext context)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var dims = AttentionDims.Of(query, key);
        MultiHeadAttention.Compute(query.Memory, key.Memory, value.Memory, output.Memory, dims, keyStarts.ToArray(), keyEnds.ToArray(),
            shape.Scale, shape.Causal, options.QueryBlock - options.QueryBlock % AttentionTile.Rows, MultiHeadAttention.AllKeys);
    }
}
