using System.ComponentModel.DataAnnotations;

namespace Sieve.TestPlugins.FaultyAttention;

public sealed class FaultyAttentionOptions
{
    /// <summary>Compute throws when a batch has more keys than this.</summary>
    [Range(1, int.MaxValue)]
    public int ThrowAboveKeys { get; set; } = int.MaxValue;

    /// <summary>CheckSupport refuses nodes with this head size (0: none).</summary>
    public int RefuseHeadSize { get; set; }
}
