using System.ComponentModel.DataAnnotations;

namespace Sieve.Host.Onnx.Passes.Attention;

/// <summary>Options of <c>attention/dense</c>.</summary>
public sealed class DenseAttentionOptions
{
    /// <summary>Queries per work item: smaller spreads short inputs over more cores.</summary>
    [Range(4, 4096)]
    public int QueryBlock { get; set; } = 64;
}
