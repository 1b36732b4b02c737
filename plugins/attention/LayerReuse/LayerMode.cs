namespace Sieve.Plugins.Attention;

/// <summary>What one layer does under <c>attention/layer-reuse</c>.</summary>
public static class LayerMode
{
    /// <summary>Full attention over every key (a layer too sensitive to sparsify).</summary>
    public const string Dense = "dense";

    /// <summary>Chooses its own blocks with the configured selection; later layers may reuse the choice.</summary>
    public const string Compute = "compute";

    /// <summary>Attends over its own keys and values on the blocks the most recent computing layer chose.</summary>
    public const string Reuse = "reuse";

    public static IReadOnlyList<string> All { get; } = [Dense, Compute, Reuse];
}
