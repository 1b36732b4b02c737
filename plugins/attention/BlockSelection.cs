namespace Sieve.Plugins.Attention;

/// <summary>The values of <see cref="BlockSparseAttentionOptions.Selection"/>.</summary>
public static class BlockSelection
{
    /// <summary>InfLLM-V2's stage 1, per query token: mean-pooled keys scored with a softmax whose normaliser comes from coarser keys.</summary>
    public const string Compressed = "compressed";

    /// <summary>Quest's training-free bound: per block the elementwise minimum and maximum of its keys.</summary>
    public const string KeyBounds = "key-bounds";

    /// <summary>The exact attention mass per block (dense): what the best selection would choose.</summary>
    public const string Oracle = "oracle";

    /// <summary>The compressed scores summed over a tile of queries that share one choice (the GPU kernels' selection).</summary>
    public const string CompressedTile = "compressed-tile";

    /// <summary>Every value, in the order the documentation lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [Compressed, KeyBounds, Oracle, CompressedTile];
}
