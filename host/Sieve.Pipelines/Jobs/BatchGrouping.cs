using Sieve.Host.Pipelines;

namespace Sieve.Host.Jobs;

/// <summary>
/// Cuts a window of records into micro-batches of similar length, so that padding to each batch's longest record
/// wastes little. Shared by jobs and by <c>sieve bench</c>, which must replay the same batches.
/// </summary>
internal static class BatchGrouping
{
    /// <summary>Records read ahead, in batches, before they are sorted by length and cut.</summary>
    public const int WindowBatches = 8;

    /// <summary>Sorts <paramref name="window"/> by cost (stable) and cuts it into batches of at most <paramref name="batchSize"/>.</summary>
    public static IEnumerable<List<PreparedRecord>> Cut(List<PreparedRecord> window, int batchSize)
    {
        var sorted = window.OrderBy(r => r.Cost).ToList();
        for (var start = 0; start < sorted.Count; start += batchSize)
        {
            yield return sorted.GetRange(start, Math.Min(batchSize, sorted.Count - start));
        }
    }
}
