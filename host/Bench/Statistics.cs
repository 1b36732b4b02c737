namespace Sieve.Host.Bench;

/// <summary>Summaries of repeated measurements.</summary>
internal static class Statistics
{
    /// <summary>The median, or NaN for no values.</summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
