namespace Sieve.Tools.Eval;

/// <summary>
/// What block-sparse attention reported about its choices over one configuration's runs (the plugin's
/// <c>Sieve.Plugins.Attention.BlockSparse</c> counters, summed over every layer, key/value head and query).
/// </summary>
/// <param name="SelectionSeconds">Time spent choosing blocks (CPU seconds summed over the workers; reused choices cost none).</param>
internal sealed record SelectionFigures(long Visible, long Chosen, long Selections, double RecallSum, long RecallSamples, double MassKeptSum,
    double MassBestSum, double SelectionSeconds = 0)
{
    /// <summary>Blocks attended over blocks visible, forced blocks counted (null: the sparse path never ran).</summary>
    public double? Density => Visible == 0 ? null : (double)Chosen / Visible;

    /// <summary>Mean fraction of the oracle's score-picked blocks this selection also kept.</summary>
    public double? Recall => RecallSamples == 0 ? null : RecallSum / RecallSamples;

    /// <summary>Mean share of the exact attention mass inside the kept blocks.</summary>
    public double? MassKept => Selections == 0 || MassKeptSum == 0 ? null : MassKeptSum / Selections;

    /// <summary>Mean share of the exact attention mass inside the oracle's blocks at the same budget.</summary>
    public double? MassBest => Selections == 0 || MassBestSum == 0 ? null : MassBestSum / Selections;
}
