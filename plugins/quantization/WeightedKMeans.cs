namespace Sieve.Plugins.Quantization;

/// <summary>
/// One-dimensional k-means weighted per value (SqueezeLLM's sensitivity-weighted centroids): minimises
/// Σ wᵢ (vᵢ − c(vᵢ))². In one dimension every cluster is a run of the sorted values, so after one sort each Lloyd step
/// is a binary search per boundary and a weighted mean from prefix sums. Initialised at weighted quantiles.
/// </summary>
internal static class WeightedKMeans
{
    /// <summary>Lloyd steps at most; stops earlier when no centroid moves.</summary>
    public const int MaxIterations = 64;

    /// <summary>
    /// Fits <paramref name="centroids"/>.Length centroids (ascending) to <paramref name="values"/> weighted by
    /// <paramref name="weights"/> (non-negative; all zero counts as all equal). Sorts both spans in place.
    /// </summary>
    public static void Fit(Span<float> values, Span<float> weights, Span<float> centroids)
    {
        var count = values.Length;
        var k = centroids.Length;
        if (count == 0)
        {
            centroids.Clear();
            return;
        }
        values.Sort(weights);
        double total = 0;
        foreach (var w in weights)
        {
            total += w;
        }
        var uniform = !(total > 0);
        var prefixWeight = new double[count + 1];
        var prefixMoment = new double[count + 1];
        for (var i = 0; i < count; i++)
        {
            double w = uniform ? 1 : weights[i];
            prefixWeight[i + 1] = prefixWeight[i] + w;
            prefixMoment[i + 1] = prefixMoment[i] + w * values[i];
        }
        total = prefixWeight[count];

        // Weighted quantiles: centroid j at the middle of the j-th of k equal shares of the weight.
        var at = 0;
        for (var j = 0; j < k; j++)
        {
            var target = (j + 0.5) * total / k;
            while (at < count - 1 && prefixWeight[at + 1] < target)
            {
                at++;
            }
            // Distinct starting points: a repeated value (a heavy weight spans several shares) moves on to the next value.
            while (j > 0 && at < count - 1 && values[at] <= centroids[j - 1])
            {
                at++;
            }
            centroids[j] = values[at];
        }
        Span<int> starts = stackalloc int[k + 1];
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            centroids.Sort();
            starts[0] = 0;
            starts[k] = count;
            for (var j = 1; j < k; j++)
            {
                var boundary = 0.5f * (centroids[j - 1] + centroids[j]);
                starts[j] = Math.Max(starts[j - 1], LowerBound(values, boundary));
            }
            var moved = false;
            for (var j = 0; j < k; j++)
            {
                var weight = prefixWeight[starts[j + 1]] - prefixWeight[starts[j]];
                if (weight <= 0)
                {
                    // An empty cluster restarts at the value the others fit worst.
                    var worst = WorstFit(values, weights, uniform, centroids);
                    moved |= centroids[j] != worst;
                    centroids[j] = worst;
                    continue;
                }
                var mean = (float)((prefixMoment[starts[j + 1]] - prefixMoment[starts[j]]) / weight);
                moved |= mean != centroids[j];
                centroids[j] = mean;
            }
            if (!moved)
            {
                break;
            }
        }
        centroids.Sort();
    }

    /// <summary>The index of the centroid nearest <paramref name="value"/> (centroids ascending).</summary>
    public static int Nearest(ReadOnlySpan<float> centroids, float value)
    {
        var best = 0;
        var distance = Math.Abs(value - centroids[0]);
        for (var j = 1; j < centroids.Length; j++)
        {
            var d = Math.Abs(value - centroids[j]);
            if (d < distance)
            {
                best = j;
                distance = d;
            }
        }
        return best;
    }

    private static float WorstFit(ReadOnlySpan<float> values, ReadOnlySpan<float> weights, bool uniform, ReadOnlySpan<float> centroids)
    {
        var worst = values[0];
        var largest = -1.0;
        for (var i = 0; i < values.Length; i++)
        {
            var d = values[i] - centroids[Nearest(centroids, values[i])];
            var error = (uniform ? 1.0 : weights[i]) * d * d;
            if (error > largest)
            {
                largest = error;
                worst = values[i];
            }
        }
        return worst;
    }

    /// <summary>The first position whose value is at least <paramref name="bound"/>.</summary>
    private static int LowerBound(ReadOnlySpan<float> sorted, float bound)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (sorted[middle] < bound)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }
}
