namespace Sieve.Plugins.Attention;

/// <summary>
/// Scores the key blocks a query may choose, for one (batch row, key/value head): the selection's view of which blocks
/// matter. Extended as keys arrive (once per call, or once per decode step when the run keeps it), then read by every
/// worker at once: implementations are thread-safe between extensions. Blocks count from the row's first valid key.
/// </summary>
internal interface IBlockScorer
{
    /// <summary>Takes in the row's valid keys beyond those already seen.</summary>
    /// <param name="keys">The row's valid keys, [length, headSize], the ones seen before first and unchanged.</param>
    void Extend(ReadOnlySpan<float> keys, int length);

    /// <summary>Writes one score per visible block; a higher score is a better block.</summary>
    /// <param name="queries">The query heads of the key/value group for this query: [group, headSize].</param>
    /// <param name="visibleKeys">Keys the query sees, counted from the row's first valid key (at least 1).</param>
    /// <param name="scores">⌈visibleKeys / BlockSize⌉ entries, overwritten.</param>
    void Score(ReadOnlySpan<float> queries, int visibleKeys, Span<float> scores);
}
