namespace Sieve.Plugins.Heads.Tests.Clustering;

/// <summary>The oracle: textbook Lloyd's k-means in double precision, every distance ‖x − c‖² computed directly.</summary>
internal static class NaiveKMeans
{
    public static int[] Assign(float[] points, int n, int d, double[] centroids, int k, out double objective)
    {
        var assignments = new int[n];
        objective = 0;
        for (var i = 0; i < n; i++)
        {
            var best = double.PositiveInfinity;
            for (var c = 0; c < k; c++)
            {
                var distance = 0.0;
                for (var j = 0; j < d; j++)
                {
                    var delta = points[i * d + j] - centroids[c * d + j];
                    distance += delta * delta;
                }
                if (distance < best)
                {
                    best = distance;
                    assignments[i] = c;
                }
            }
            objective += best;
        }
        return assignments;
    }

    public static (int[] Assignments, double Objective) Fit(float[] points, int n, int d, float[] initial, int k, int iterations)
    {
        var centroids = Array.ConvertAll(initial, v => (double)v);
        int[] assignments = [];
        double objective = 0;
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            var next = Assign(points, n, d, centroids, k, out objective);
            if (next.AsSpan().SequenceEqual(assignments))
            {
                break;
            }
            assignments = next;
            var sums = new double[k * d];
            var counts = new int[k];
            for (var i = 0; i < n; i++)
            {
                counts[assignments[i]]++;
                for (var j = 0; j < d; j++)
                {
                    sums[assignments[i] * d + j] += points[i * d + j];
                }
            }
            for (var c = 0; c < k; c++)
            {
                for (var j = 0; j < d && counts[c] > 0; j++)
                {
                    centroids[c * d + j] = sums[c * d + j] / counts[c];
                }
            }
        }
        Assign(points, n, d, centroids, k, out objective);
        return (assignments, objective);
    }
}
