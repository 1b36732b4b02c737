namespace Sieve.Plugins.Attention;

/// <summary>
/// <c>key-bounds</c>: Quest's training-free bound on a block's largest score. For each query head q and block with key
/// minimum m and maximum M, Σᵢ max(qᵢ·mᵢ, qᵢ·Mᵢ) bounds q·k from above for every key of the block; the bound is summed
/// over the group's heads (one choice per key/value head) and scaled. The bounds grow with the keys, one key's work per
/// decode step. Thread-safe between extensions.
/// </summary>
internal sealed class KeyBoundsBlockScorer : IBlockScorer
{
    private readonly KeyBounds _bounds;
    private readonly int _group;
    private readonly float _scale;

    /// <param name="capacity">The most valid keys the row will hold.</param>
    public KeyBoundsBlockScorer(int capacity, int headSize, int group, float scale, int blockSize)
    {
        _group = group;
        _scale = scale;
        _bounds = new KeyBounds(headSize, blockSize, capacity);
    }

    public void Extend(ReadOnlySpan<float> keys, int length) =>
        _bounds.Append(keys[(_bounds.Length * _bounds.HeadSize)..(length * _bounds.HeadSize)]);

    public void Score(ReadOnlySpan<float> queries, int visibleKeys, Span<float> scores)
    {
        var headSize = _bounds.HeadSize;
        for (var block = 0; block < scores.Length; block++)
        {
            var minimum = _bounds.Minimum(block);
            var maximum = _bounds.Maximum(block);
            var bound = 0f;
            for (var h = 0; h < _group; h++)
            {
                var q = queries.Slice(h * headSize, headSize);
                for (var d = 0; d < headSize; d++)
                {
                    bound += Math.Max(q[d] * minimum[d], q[d] * maximum[d]);
                }
            }
            scores[block] = bound * _scale;
        }
    }
}
