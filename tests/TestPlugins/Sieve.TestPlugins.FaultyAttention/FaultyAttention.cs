using Sieve.Abstractions;
using Sieve.Kernels;

namespace Sieve.TestPlugins.FaultyAttention;

/// <summary>Dense attention that throws above a key count and refuses one head size, as configured.</summary>
public sealed class FaultyAttention(FaultyAttentionOptions options) : IAttention
{
    public string? CheckSupport(AttentionShape shape) =>
        shape.HeadSize == options.RefuseHeadSize ? $"head size {shape.HeadSize} is not supported by this kernel" : null;

    public void Compute(in AttentionCall attention)
    {
        if (attention.Key.Shape[2] > options.ThrowAboveKeys)
        {
            throw new InvalidOperationException($"{attention.Key.Shape[2]} keys are more than this kernel takes");
        }
        var dims = AttentionDims.Of(attention.Query, attention.Key);
        MultiHeadAttention.Compute(attention.Query.Memory, attention.Key.Memory, attention.Value.Memory, attention.Output.Memory, dims,
            attention.KeyStarts.Span.ToArray(), attention.KeyEnds.Span.ToArray(), attention.Shape.Scale, attention.Shape.Causal, 64, MultiHeadAttention.AllKeys);
    }
}
