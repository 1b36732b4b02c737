using Sieve.Kernels;

namespace Sieve.Plugins.Attention;

/// <summary>
/// The blocks every (batch row × key/value head, query) of one attention call chose, ascending and counted from the row's
/// first valid key, with the call's geometry: a later layer of the same step may attend over them instead of choosing
/// (HyLRA's reuse) only when its own call has the same geometry. Written by one call (each item by one worker), then read.
/// </summary>
internal sealed class BlockChoices
{
    private readonly int[]?[] _blocks;
    private readonly int[] _starts;
    private readonly int[] _ends;

    public BlockChoices(AttentionDims dims, int[] starts, int[] ends)
    {
        Dims = dims;
        _starts = starts;
        _ends = ends;
        _blocks = new int[]?[dims.Batch * dims.KeyValueHeads * dims.QueryLength];
    }

    /// <summary>The call's sizes and causal offset.</summary>
    public AttentionDims Dims { get; }

    /// <summary>Records the blocks of query <paramref name="query"/> of <paramref name="row"/>.</summary>
    public void Set(int row, int query, ReadOnlySpan<int> blocks) => _blocks[row * Dims.QueryLength + query] = blocks.ToArray();

    /// <summary>The blocks of query <paramref name="query"/> of <paramref name="row"/>; null when that query saw no key.</summary>
    public int[]? Get(int row, int query) => _blocks[row * Dims.QueryLength + query];

    /// <summary>Whether a call of <paramref name="dims"/> over the same valid keys may use these choices (one step, another layer).</summary>
    public bool Fits(AttentionDims dims, ReadOnlySpan<int> starts, ReadOnlySpan<int> ends) =>
        dims == Dims && starts.SequenceEqual(_starts) && ends.SequenceEqual(_ends);
}
