namespace Sieve.Plugins.Heads.Clustering;

/// <summary>
/// Lloyd's k-means in the Flash-KMeans arrangement (CPU): each iteration assigns with <see cref="FusedAssignment"/> (no
/// N × K distance matrix), optionally caps the clusters with <see cref="BalancedAssignment"/>, and moves the centroids
/// with <see cref="SortedCentroidUpdate"/> (counting sort of the assignments, no atomics). It starts from K distinct
/// points chosen by the seed (or given centroids) and stops when no assignment changes or after the iterations allowed.
/// The GPU version is <see cref="Gpu.GpuFlashKMeans"/>. Thread-safe (no state).
/// </summary>
public static class FlashKMeans
{
    /// <summary>Clusters the N points [N, d].</summary>
    /// <exception cref="ArgumentException">K is not between 1 and N, or the arrays are too short.</exception>
    public static KMeansResult Fit(float[] points, int n, int d, KMeansSettings settings, float[]? initialCentroids = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate(n);
        if (points.Length < (long)n * d)
        {
            throw new ArgumentException($"{points.Length} values cannot hold {n} points of dimension {d}.", nameof(points));
        }
        var k = settings.Clusters;
        var centroids = initialCentroids is null ? InitialCentroids(points, n, d, k, settings.Seed) : (float[])initialCentroids.Clone();
        return Iterate(points, n, d, settings, centroids,
            assignment => FusedAssignment.Assign(points, n, centroids, k, d, assignment),
            (members, offsets) => SortedCentroidUpdate.Update(points, d, members, offsets, centroids));
    }

    /// <summary>
    /// The Lloyd iterations both devices run: <paramref name="assign"/> (to the current <paramref name="centroids"/>), the
    /// optional balancing, the counting sort of the assignments, then, unless nothing changed, <paramref name="update"/>
    /// (which moves <paramref name="centroids"/> to the means of the sorted clusters, given as members and offsets).
    /// </summary>
    internal static KMeansResult Iterate(float[] points, int n, int d, KMeansSettings settings, float[] centroids,
        Action<PointAssignment> assign, Action<int[], int[]> update)
    {
        var k = settings.Clusters;
        var assignment = new PointAssignment(n);
        var previous = new int[n];
        Array.Fill(previous, -1);
        var iterations = 0;
        int[] members = [], offsets = [];
        while (iterations < settings.Iterations)
        {
            assign(assignment);
            if (settings.Balanced)
            {
                BalancedAssignment.Rebalance(points, n, centroids, k, d, settings.Capacity(n), assignment);
            }
            iterations++;
            (members, offsets) = SortedCentroidUpdate.Group(assignment.Nearest, k);
            if (assignment.Nearest.AsSpan().SequenceEqual(previous))
            {
                // Converged: the centroids are already the means of these clusters.
                break;
            }
            update(members, offsets);
            assignment.Nearest.CopyTo(previous, 0);
        }
        return new KMeansResult(centroids, (int[])assignment.Nearest.Clone(), members, offsets, Objective(points, d, centroids, assignment.Nearest), iterations);
    }

    /// <summary>K distinct points, chosen by a seeded partial shuffle, as the first centroids.</summary>
    public static float[] InitialCentroids(float[] points, int n, int d, int k, int seed)
    {
        ArgumentNullException.ThrowIfNull(points);
        var random = new Random(seed);
        var ids = new int[n];
        for (var i = 0; i < n; i++)
        {
            ids[i] = i;
        }
        var centroids = new float[k * d];
        for (var c = 0; c < k; c++)
        {
            var j = random.Next(c, n);
            (ids[c], ids[j]) = (ids[j], ids[c]);
            points.AsSpan(ids[c] * d, d).CopyTo(centroids.AsSpan(c * d, d));
        }
        return centroids;
    }

    /// <summary>Σ ‖x − c(x)‖², in double.</summary>
    public static double Objective(float[] points, int d, float[] centroids, ReadOnlySpan<int> assignments)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(centroids);
        var sum = 0.0;
        for (var i = 0; i < assignments.Length; i++)
        {
            var row = points.AsSpan(i * d, d);
            var centroid = centroids.AsSpan(assignments[i] * d, d);
            for (var j = 0; j < d; j++)
            {
                var delta = (double)row[j] - centroid[j];
                sum += delta * delta;
            }
        }
        return sum;
    }
}
