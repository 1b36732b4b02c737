using System.ComponentModel.DataAnnotations;

namespace Sieve.Plugins.Attention;

/// <summary>
/// Options of <c>attention/layer-reuse</c>: block-sparse's (the computing layers' selection, budget, block size, dense
/// threshold) and the policy file that says what each layer does.
/// </summary>
public sealed class LayerReuseAttentionOptions : BlockSparseAttentionOptions
{
    /// <summary>The policy <c>sieve profile</c> wrote (absolute, or relative to the working directory).</summary>
    public string Policy { get; set; } = "";

    public override IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var result in base.Validate(validationContext))
        {
            yield return result;
        }
        if (Selection == BlockSelection.CompressedTile)
        {
            yield return new ValidationResult($"must be a per-query selection for layer reuse ({BlockSelection.Compressed}, {BlockSelection.KeyBounds} or {BlockSelection.Oracle}), got '{Selection}'",
                [nameof(Selection)]);
        }
        var problem = PolicyProblem();
        if (problem is not null)
        {
            yield return new ValidationResult(problem, [nameof(Policy)]);
        }
    }

    private string? PolicyProblem()
    {
        if (string.IsNullOrWhiteSpace(Policy))
        {
            return "is required: the file sieve profile wrote (sieve profile MODEL --data TEXT --out policy.json)";
        }
        try
        {
            LayerReusePolicy.Read(Policy);
            return null;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }
}
