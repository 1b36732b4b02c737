using System.ComponentModel.DataAnnotations;

namespace SievePlugin1;

/// <summary>Options of <c>weight-quant/int8</c>, bound from <c>Sieve:Operators:weight-quant:Options</c> and validated at start.</summary>
public sealed class Int8WeightQuantizerOptions
{
    /// <summary>Weights with fewer elements keep ONNX Runtime's MatMul (listed as refused by <c>sieve inspect</c>).</summary>
    [Range(1, int.MaxValue)]
    public int MinimumElements { get; set; } = 4096;
}
