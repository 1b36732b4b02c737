using Sieve.Abstractions;

namespace Sieve.Tools.Eval;

/// <summary>
/// One attention choice of <c>sieve eval lm --attention … --selection …</c>: the model's own graph (<c>model</c>),
/// <c>attention/dense</c>, or <c>attention/block-sparse</c> with one selection.
/// </summary>
/// <param name="Attention"><c>model</c>, <c>dense</c> or <c>block-sparse</c>.</param>
/// <param name="Selection">The block-sparse selection, or null (the configured one, or not block-sparse).</param>
internal sealed record AttentionConfiguration(string Attention, string? Selection)
{
    public const string Model = "model";
    public const string Dense = "dense";
    public const string BlockSparse = "block-sparse";

    public static IReadOnlyList<string> Attentions { get; } = [Model, Dense, BlockSparse];

    public override string ToString() => Selection is null ? Attention : $"{Attention}/{Selection}";

    /// <summary>The cross product that makes sense: each attention once, block-sparse once per selection.</summary>
    /// <exception cref="SieveException">An unknown attention, or selections without block-sparse.</exception>
    public static IReadOnlyList<AttentionConfiguration> Expand(IReadOnlyList<string> attentions, IReadOnlyList<string> selections)
    {
        if (attentions.Count == 0)
        {
            attentions = [BlockSparse];
        }
        if (attentions.FirstOrDefault(a => !Attentions.Contains(a)) is { } unknown)
        {
            throw new SieveException($"--attention {unknown} is not one of {string.Join(", ", Attentions)}.");
        }
        if (selections.Count > 0 && !attentions.Contains(BlockSparse))
        {
            throw new SieveException("--selection chooses block-sparse's selection: add block-sparse to --attention.");
        }
        var configurations = new List<AttentionConfiguration>();
        foreach (var attention in attentions.Distinct())
        {
            if (attention == BlockSparse && selections.Count > 0)
            {
                configurations.AddRange(selections.Distinct().Select(s => new AttentionConfiguration(attention, s)));
            }
            else
            {
                configurations.Add(new AttentionConfiguration(attention, null));
            }
        }
        return configurations;
    }
}
