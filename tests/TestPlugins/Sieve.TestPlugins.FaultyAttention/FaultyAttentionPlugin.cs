using System.ComponentModel.DataAnnotations;
using Sieve.Abstractions;
using Sieve.Kernels;

[assembly: SieveContractVersion(SieveContract.Major, SieveContract.Minor)]

namespace Sieve.TestPlugins.FaultyAttention;

/// <summary>Registers attention/faulty: real dense attention that fails on purpose, to test how failures are reported.</summary>
public sealed class FaultyAttentionPlugin : ISievePlugin
{
    public string Name => "faulty-attention";

    public void Register(IOperatorRegistry registry) =>
        registry.Add<IAttention, FaultyAttentionOptions>("faulty", (options, _) => new FaultyAttention(options));
}

public sealed class FaultyAttentionOptions
{
    /// <summary>Compute throws when a batch has more keys than this.</summary>
    [Range(1, int.MaxValue)]
    public int ThrowAboveKeys { get; set; } = int.MaxValue;

    /// <summary>CheckSupport refuses nodes with this head size (0: none).</summary>
    public int RefuseHeadSize { get; set; }
}

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
        var dims = new AttentionDims((int)query.Shape[0], (int)query.Shape[1], (int)key.Shape[1], (int)query.Shape[2], (int)key.Shape[2], (int)query.Shape[3]);
        MultiHeadAttention.Compute(query.Memory, key.Memory, value.Memory, output.Memory, dims, keyLengths.ToArray(), shape.Scale, shape.Causal, 64, MultiHeadAttention.AllKeys);
    }
}
