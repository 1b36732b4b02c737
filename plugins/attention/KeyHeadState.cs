using Sieve.Kernels;

namespace Sieve.Plugins.Attention;

/// <summary>
/// What per-query block-sparse attention keeps of one (batch row, key/value head) across the calls of a run: the
/// transposed key panel and the selection's key summaries (compressed keys, key bounds). In <c>generate</c> the run is
/// the whole generation batch, so a decode step transposes and summarises only its new key instead of the whole cache.
/// Holds a copy of the keys (the panel) as large as the call's key buffer. Not thread-safe: one worker per row.
/// </summary>
internal sealed class KeyHeadState
{
    private readonly float[] _lastKey;

    public KeyHeadState(int capacity, int headSize, int start, IBlockScorer scorer, HeadPanel panel)
    {
        Capacity = capacity;
        Start = start;
        Scorer = scorer;
        Panel = panel;
        _lastKey = new float[headSize];
    }

    /// <summary>The key buffer's length this state was made for.</summary>
    public int Capacity { get; }

    /// <summary>The row's first valid key (blocks count from it).</summary>
    public int Start { get; }

    /// <summary>Keys [0, end) transposed.</summary>
    public HeadPanel Panel { get; }

    /// <summary>Scores blocks from the valid keys summarised so far.</summary>
    public IBlockScorer Scorer { get; }

    /// <summary>
    /// Whether keys [0, <paramref name="end"/>) of <paramref name="head"/> continue what this state holds: same buffer
    /// length and first valid key, no fewer keys, and the last key held still in place (a new generation in the same
    /// run, or another sequence in the row, fails this and is summarised afresh).
    /// </summary>
    public bool Continues(ReadOnlySpan<float> head, int start, int end, int capacity)
    {
        var held = Panel.Keys;
        if (capacity != Capacity || start != Start || end < held)
        {
            return false;
        }
        return held == 0 || head.Slice((held - 1) * _lastKey.Length, _lastKey.Length).SequenceEqual(_lastKey);
    }

    /// <summary>
    /// Adds keys [<see cref="HeadPanel.Keys"/>, <paramref name="end"/>) of <paramref name="head"/> to the panel and, with
    /// <paramref name="summaries"/>, brings the scorer's summaries up to <paramref name="end"/> (it tracks what it has
    /// seen, so a layer that skipped them while reusing another's choice catches up when it chooses again).
    /// </summary>
    public void Extend(ReadOnlySpan<float> head, int end, bool summaries = true)
    {
        var d = _lastKey.Length;
        var held = Panel.Keys;
        if (end > held)
        {
            Panel.Append(head[(held * d)..(end * d)]);
            head.Slice((end - 1) * d, d).CopyTo(_lastKey);
        }
        if (summaries)
        {
            Scorer.Extend(head[(Start * d)..(end * d)], end - Start);
        }
    }
}
