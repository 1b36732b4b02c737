using Sieve.Abstractions;

namespace Sieve.TestPlugins.CheckingMatMul;

/// <summary>Keeps weights in float32; its own pass (<see cref="CheckingMatMulPass"/>) replaces the host's.</summary>
public sealed class CheckingWeightQuantizer(CheckingMatMulOptions options) : IWeightQuantizer, IGraphPassProvider
{
    public string? CheckSupport(TensorShape weight, DeviceKind device)
    {
        ArgumentNullException.ThrowIfNull(weight);
        return weight[0] < options.MinimumRows ? $"{weight[0]} rows are fewer than MinimumRows {options.MinimumRows}" : null;
    }

    public IQuantizedMatrix Quantize(TensorView<float> weight) => throw new NotSupportedException(
        "weight-quant/checking keeps the weight in the graph and multiplies in its own operator (CheckingMatMulPass).");

    public IGraphPass CreateGraphPass(GraphPassContext context) => new CheckingMatMulPass(this);
}
