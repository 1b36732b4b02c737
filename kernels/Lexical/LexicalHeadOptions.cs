using System.ComponentModel.DataAnnotations;

namespace Sieve.Kernels.Lexical;

/// <summary>
/// Options of <c>lexical-head/dense</c> and <c>lexical-head/fused</c> (<c>Sieve:Operators:lexical-head:Options</c>):
/// which weights of a sequence are kept, and the GPU kernels' input precision.
/// </summary>
public sealed class LexicalHeadOptions : IValidatableObject
{
    /// <summary>Keep at most this many terms per sequence, the largest weights (ties: the lower term id); 0 keeps all.</summary>
    [Range(0, int.MaxValue)]
    public int TopK { get; set; } = 256;

    /// <summary>Drop weights at or below this value (weights are never negative; 0 drops only the zeros).</summary>
    [Range(0.0, double.MaxValue)]
    public float Threshold { get; set; }

    /// <summary>
    /// Inputs of the GPU multiply: <c>fp32</c> (CUDA cores, the CPU's numbers) or <c>fp16</c> (tensor cores, fp32 sums;
    /// hidden size 384 only). The CPU always computes in fp32.
    /// </summary>
    public string GpuPrecision { get; set; } = "fp32";

    /// <summary>Whether the GPU kernels take fp16 inputs (<see cref="GpuPrecision"/> is <c>fp16</c>).</summary>
    internal bool HalfOnGpu => GpuPrecision == "fp16";

    /// <summary>Checks what the attributes cannot: <see cref="GpuPrecision"/> is fp32 or fp16, <see cref="Threshold"/> is finite.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (GpuPrecision is not ("fp32" or "fp16"))
        {
            yield return new ValidationResult($"must be fp32 or fp16, got '{GpuPrecision}'", [nameof(GpuPrecision)]);
        }
        if (!float.IsFinite(Threshold))
        {
            yield return new ValidationResult($"must be a finite number, got {Threshold}", [nameof(Threshold)]);
        }
    }
}
