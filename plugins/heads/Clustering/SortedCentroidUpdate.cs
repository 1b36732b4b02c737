namespace Sieve.Plugins.Heads.Clustering;

/// <summary>
/// Flash-KMeans' centroid update without atomics: a counting sort of the assignments groups the point ids by cluster
/// (the sort-inverse: cluster c's points are <c>members[offsets[c]..offsets[c + 1]]</c>, ascending), then each cluster
/// sums its own contiguous list, one cluster per work item. No two workers write one centroid, and the sums are taken in
/// point order, so the result does not depend on the number of threads.
/// </summary>
public static class SortedCentroidUpdate
{
    /// <summary>Groups the points by cluster (stable counting sort of <paramref name="assignments"/>).</summary>
    public static (int[] Members, int[] Offsets) Group(ReadOnlySpan<int> assignments, int k)
    {
        var offsets = new int[k + 1];
        foreach (var cluster in assignments)
        {
            offsets[cluster + 1]++;
        }
        for (var c = 0; c < k; c++)
        {
            offsets[c + 1] += offsets[c];
        }
        var next = offsets[..k];
        var members = new int[assignments.Length];
        for (var i = 0; i < assignments.Length; i++)
        {
            members[next[assignments[i]]++] = i;
        }
        return (members, offsets);
    }

    /// <summary>
    /// Sets each centroid [K, d] to the mean of its cluster's points (sums in double); an empty cluster keeps its centroid.
    /// </summary>
    public static void Update(float[] points, int d, int[] members, int[] offsets, float[] centroids)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(offsets);
        ArgumentNullException.ThrowIfNull(centroids);
        var k = offsets.Length - 1;
        Parallel.For(0, k, () => new double[d], (c, _, sum) =>
        {
            var (start, end) = (offsets[c], offsets[c + 1]);
            if (start == end)
            {
                return sum;
            }
            Array.Clear(sum);
            for (var m = start; m < end; m++)
            {
                var row = points.AsSpan(members[m] * d, d);
                for (var j = 0; j < d; j++)
                {
                    sum[j] += row[j];
                }
            }
            var centroid = centroids.AsSpan(c * d, d);
            for (var j = 0; j < d; j++)
            {
                centroid[j] = (float)(sum[j] / (end - start));
            }
            return sum;
        }, _ => { });
    }
}
