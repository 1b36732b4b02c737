namespace Sieve.Plugins.Attention;

/// <summary>The samples <see cref="AttentionProfiler"/> took in one layer, in call order. Thread-safe.</summary>
public sealed class LayerProfile
{
    private readonly List<ProfileSample> _samples = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<ProfileSample> Samples
    {
        get
        {
            lock (_lock)
            {
                return [.. _samples];
            }
        }
    }

    /// <summary>The mean fraction of the visible blocks that holds the profiler's share of the mass (0 without samples).</summary>
    public double Sensitivity
    {
        get
        {
            lock (_lock)
            {
                return _samples.Count == 0 ? 0 : _samples.Average(s => s.CoverageFraction);
            }
        }
    }

    internal void Add(IEnumerable<ProfileSample> samples)
    {
        lock (_lock)
        {
            _samples.AddRange(samples);
        }
    }

    /// <summary>
    /// The mean share of <paramref name="later"/>'s blocks that this layer's blocks hold, over the samples both took
    /// (the same queries: sample n is the same query in every layer).
    /// </summary>
    public double Overlap(LayerProfile later)
    {
        ArgumentNullException.ThrowIfNull(later);
        var (mine, theirs) = (Samples, later.Samples);
        var count = Math.Min(mine.Count, theirs.Count);
        if (count == 0)
        {
            return 0;
        }
        double sum = 0;
        for (var n = 0; n < count; n++)
        {
            var set = new HashSet<int>(mine[n].Blocks);
            sum += (double)theirs[n].Blocks.Count(set.Contains) / theirs[n].Blocks.Length;
        }
        return sum / count;
    }
}
