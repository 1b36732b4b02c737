namespace Sieve.Plugins.Attention;

/// <summary>
/// Turns one query's block scores into its chosen blocks: the first block (<see cref="BlockSparseAttentionOptions.KeepFirstBlock"/>)
/// and the local window (the query's own block and <see cref="BlockSparseAttentionOptions.WindowBlocks"/> before it, and
/// after it when not causal) are forced and count in the budget (<see cref="BlockSparseAttentionOptions.TopKBlocks"/>,
/// or ⌈<see cref="BlockSparseAttentionOptions.Density"/> · visible blocks⌉); the rest of the budget goes to the best
/// scores, ties to the lower block. Thread-safe (no state).
/// </summary>
internal static class BlockBudget
{
    /// <summary>A block the query does not attend to.</summary>
    public const byte Dropped = 0;

    /// <summary>A block kept whatever its score (first block, local window).</summary>
    public const byte Forced = 1;

    /// <summary>A block chosen for its score.</summary>
    public const byte Picked = 2;

    /// <summary>The budget for <paramref name="visible"/> blocks.</summary>
    public static int Budget(BlockSparseAttentionOptions options, int visible) =>
        options.Density > 0 ? (int)Math.Ceiling(options.Density * visible) : options.TopKBlocks;

    /// <summary>Marks each of the <paramref name="visible"/> blocks <see cref="Dropped"/>, <see cref="Forced"/> or <see cref="Picked"/>.</summary>
    /// <param name="scores">One score per visible block.</param>
    /// <param name="diagonal">The query's own block.</param>
    /// <param name="choice">At least <paramref name="visible"/> entries, overwritten.</param>
    /// <returns>How many blocks were kept.</returns>
    public static int Choose(ReadOnlySpan<float> scores, int visible, int diagonal, bool causal, BlockSparseAttentionOptions options, Span<byte> choice)
    {
        choice = choice[..visible];
        var budget = Budget(options, visible);
        if (visible <= budget)
        {
            choice.Fill(Forced);
            return visible;
        }
        choice.Clear();
        var kept = 0;
        if (options.KeepFirstBlock)
        {
            choice[0] = Forced;
            kept++;
        }
        var last = Math.Min(visible - 1, diagonal + (causal ? 0 : options.WindowBlocks));
        for (var block = Math.Max(0, diagonal - options.WindowBlocks); block <= last; block++)
        {
            if (choice[block] == Dropped)
            {
                choice[block] = Forced;
                kept++;
            }
        }
        for (; kept < budget; kept++)
        {
            var best = -1;
            for (var block = 0; block < visible; block++)
            {
                if (choice[block] == Dropped && (best < 0 || scores[block] > scores[best]))
                {
                    best = block;
                }
            }
            if (best < 0)
            {
                break;
            }
            choice[best] = Picked;
        }
        return kept;
    }
}
