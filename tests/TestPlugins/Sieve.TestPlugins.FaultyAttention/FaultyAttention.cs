using Sieve.Abstractions;
using Sieve.Kernels;

namespace Sieve.TestPlugins.FaultyAttention;

/// <summary>Dense attention that throws above a key count and refuses one head size, as configured.</summary>
public sealed class FaultyAttention(FaultyAttentionOptions options) : IAttention
{
    public string? CheckSupport(AttentionShape shape) =>
        shape.HeadSize == options.RefuseHeadSize ? $"head size {shape.HeadSize} is not supported by this kernel" : null;

    public void Compute(AttentionShape shape, TensorView<float> query, TensorView<float> key, TensorView<float> value,
        ReadOnlySpan<int> keyLengths, TensorView<float> output, OperatorRunContext context)
    {
        if (key.Shape[2] > options.ThrowAboveKeys)
        {
            throw new InvalidOperationException($"{key.Shape[2]} keys are more than this kernel takes");
        }
        var dims = AttentionDims.Of(query, key);
        MultiHeadAttention.Compute(query.Memory, key.Memory, value.Memory, output.Memory, dims, keyLengths.ToArray(), shape.Scale, shape.Causal, 64, MultiHeadAttention.AllKeys);
    }
}
