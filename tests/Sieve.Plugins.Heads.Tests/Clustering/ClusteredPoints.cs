namespace Sieve.Plugins.Heads.Tests.Clustering;

/// <summary>Test data: Gaussian blobs around random centres (well separated when the spread is small), and their labels.</summary>
internal static class ClusteredPoints
{
    /// <summary>N points [N, d] in <paramref name="blobs"/> blobs: centres uniform in [−10, 10]^d, noise N(0, spread²).</summary>
    public static (float[] Points, int[] Labels) Blobs(int n, int d, int blobs, float spread, int seed)
    {
        var random = new Random(seed);
        var centres = new float[blobs * d];
        for (var i = 0; i < centres.Length; i++)
        {
            centres[i] = (float)(random.NextDouble() * 20 - 10);
        }
        var points = new float[n * d];
        var labels = new int[n];
        for (var i = 0; i < n; i++)
        {
            // Round-robin, so that blobs have ⌊N/B⌋ or ⌈N/B⌉ points.
            labels[i] = i % blobs;
            for (var j = 0; j < d; j++)
            {
                points[i * d + j] = centres[labels[i] * d + j] + spread * Gaussian(random);
            }
        }
        return (points, labels);
    }

    /// <summary>The first point of each blob as the starting centroids: every blob starts with its own centroid.</summary>
    public static float[] OnePointPerBlob(float[] points, int d, int blobs)
    {
        var centroids = new float[blobs * d];
        Array.Copy(points, centroids, blobs * d);
        return centroids;
    }

    public static float Gaussian(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

    /// <summary>Whether two labelings describe the same partition (up to renaming the clusters).</summary>
    public static bool SamePartition(int[] a, int[] b)
    {
        var forward = new Dictionary<int, int>();
        var backward = new Dictionary<int, int>();
        for (var i = 0; i < a.Length; i++)
        {
            if (forward.TryGetValue(a[i], out var mapped) ? mapped != b[i] : backward.ContainsKey(b[i]))
            {
                return false;
            }
            forward[a[i]] = b[i];
            backward[b[i]] = a[i];
        }
        return true;
    }
}
