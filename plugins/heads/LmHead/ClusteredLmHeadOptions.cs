using System.ComponentModel.DataAnnotations;

namespace Sieve.Plugins.Heads.LmHead;

/// <summary>Options of <c>lm-head/clustered</c> (<c>Sieve:Operators:lm-head:Options</c>).</summary>
public sealed class ClusteredLmHeadOptions
{
    /// <summary>Clusters kept per decode step (the P nearest to the hidden state); at most the head file's K.</summary>
    [Range(1, int.MaxValue)]
    public int Probe { get; set; } = 8;

    /// <summary>The head file <c>sieve cluster-head</c> wrote for this model; a relative path is taken from the model's folder.</summary>
    [Required(AllowEmptyStrings = false)]
    public string HeadFile { get; set; } = "";
}
