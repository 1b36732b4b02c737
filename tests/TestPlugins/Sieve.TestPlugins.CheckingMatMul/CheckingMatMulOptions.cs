using System.ComponentModel.DataAnnotations;

namespace Sieve.TestPlugins.CheckingMatMul;

public sealed class CheckingMatMulOptions
{
    /// <summary>Weights with fewer rows are refused (left to ONNX Runtime), so refusals can be tested.</summary>
    [Range(1, int.MaxValue)]
    public int MinimumRows { get; set; } = 1;
}
