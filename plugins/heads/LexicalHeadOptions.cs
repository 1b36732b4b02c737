using System.ComponentModel.DataAnnotations;

namespace Sieve.Plugins.Heads;

/// <summary>
/// Options of <c>lexical-head/dense</c> and <c>lexical-head/fused</c> (<c>Sieve:Operators:lexical-head:Options</c>):
/// which weights of a sequence are kept.
/// </summary>
public sealed class LexicalHeadOptions : IValidatableObject
{
    /// <summary>Keep at most this many terms per sequence, the largest weights (ties: the lower term id); 0 keeps all.</summary>
    [Range(0, int.MaxValue)]
    public int TopK { get; set; } = 256;

    /// <summary>Drop weights at or below this value (weights are never negative; 0 drops only the zeros).</summary>
    [Range(0.0, double.MaxValue)]
    public float Threshold { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!float.IsFinite(Threshold))
        {
            yield return new ValidationResult($"must be a finite number, got {Threshold}", [nameof(Threshold)]);
        }
    }
}
