using Microsoft.Extensions.Configuration;
using Sieve.Host.Configuration;
using Sieve.Abstractions;

namespace Sieve.Tools.Eval;

/// <summary>
/// One attention choice of <c>sieve eval lm --attention … --selection …</c>: the model's own graph (<c>model</c>),
/// <c>attention/dense</c>, <c>attention/block-sparse</c> with one selection, or <c>attention/layer-reuse</c> (its policy and
/// selection from the configured attention options).
/// </summary>
/// <param name="Attention"><c>model</c>, <c>dense</c>, <c>block-sparse</c> or <c>layer-reuse</c>.</param>
/// <param name="Selection">The block-sparse selection, or null (the configured one, or not block-sparse).</param>
internal sealed record AttentionConfiguration(string Attention, string? Selection)
{
    public const string Model = "model";
    public const string Dense = "dense";
    public const string BlockSparse = "block-sparse";
    public const string LayerReuse = "layer-reuse";

    public static IReadOnlyList<string> Attentions { get; } = [Model, Dense, BlockSparse, LayerReuse];

    /// <summary>Whether it chooses blocks (and takes the configured block-sparse options).</summary>
    public bool IsSparse => Attention is BlockSparse or LayerReuse;

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

    /// <summary>
    /// The configured attention options (<c>Sieve:Operators:attention:Options</c>) when the configured attention is
    /// block-sparse or layer-reuse: the sparse configurations keep them (budget, block size, policy), else none.
    /// </summary>
    public static Dictionary<string, string> ConfiguredSparseOptions(OperatorSelection? configured)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (configured is { Options: { } section } && (string.Equals(configured.Use, BlockSparse, StringComparison.OrdinalIgnoreCase)
            || string.Equals(configured.Use, LayerReuse, StringComparison.OrdinalIgnoreCase)))
        {
            foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true))
            {
                if (value is not null)
                {
                    options[key] = value;
                }
            }
        }
        return options;
    }

    /// <summary>This configuration's options: the sparse ones for block-sparse (without layer-reuse's Policy) and layer-reuse, its selection set.</summary>
    public Dictionary<string, string> Options(IReadOnlyDictionary<string, string> sparseOptions)
    {
        var options = new Dictionary<string, string>(IsSparse ? sparseOptions : new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);
        if (Attention != LayerReuse)
        {
            options.Remove("Policy");
        }
        if (Selection is { } selection)
        {
            options["Selection"] = selection;
        }
        return options;
    }
}
