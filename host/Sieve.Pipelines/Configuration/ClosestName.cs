namespace Sieve.Host.Configuration;

/// <summary>
/// Finds the known name a mistyped one most likely meant (edit distance, case-insensitive), for "did you mean" hints in
/// command-line and configuration errors.
/// </summary>
internal static class ClosestName
{
    /// <summary>The candidate nearest to <paramref name="typed"/>, or null when none is near enough to be a typo.</summary>
    public static string? Find(string typed, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(typed);
        ArgumentNullException.ThrowIfNull(candidates);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(typed.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }
        // A third of the longer name may differ (BatchSze → BatchSize: 1; --lenghts → --lengths: 2); beyond that a hint misleads.
        if (best is not null && bestDistance <= Math.Max(2, Math.Max(typed.Length, best.Length) / 3))
        {
            return best;
        }
        // A longer or shorter spelling of a name (evaluate → eval, --batch → --batch-size).
        return candidates.FirstOrDefault(c => c.Length >= 3 && typed.Length >= 3
            && (typed.StartsWith(c, StringComparison.OrdinalIgnoreCase) || c.StartsWith(typed, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
