namespace Sieve.Plugins.Quantization.Tests;

public class WeightedKMeansTests
{
    [Fact]
    public void Fit_SeparatedClusters_FindsTheirWeightedMeans()
    {
        float[] values = [1f, 1.2f, 5f, 5.5f, 9f, 9.1f, 9.2f, 20f];
        float[] weights = [1f, 3f, 1f, 1f, 1f, 1f, 1f, 1f];
        var centroids = new float[4];

        WeightedKMeans.Fit(values, weights, centroids);

        Assert.Equal(1.15f, centroids[0], 4);
        Assert.Equal(5.25f, centroids[1], 4);
        Assert.Equal(9.1f, centroids[2], 4);
        Assert.Equal(20f, centroids[3], 4);
    }

    [Fact]
    public void Fit_HeavyWeight_PullsTheCentroidToItsValue()
    {
        float[] values = [0f, 1f, 2f, 3f];
        var centroids = new float[1];

        WeightedKMeans.Fit(values.ToArray(), [1f, 1f, 1f, 1f], centroids);
        var plain = centroids[0];
        WeightedKMeans.Fit(values.ToArray(), [1f, 1f, 1f, 97f], centroids);

        Assert.Equal(1.5f, plain, 5);
        Assert.Equal((0 + 1 + 2 + 3 * 97) / 100f, centroids[0], 4);
    }

    [Fact]
    public void Fit_LowersTheWeightedErrorAgainstItsQuantileStart()
    {
        var values = RandomWeights.Vector(500);
        var weights = RandomWeights.Sensitivities(500);
        var centroids = new float[8];
        var quantileOnly = WeightedError(values, weights, Quantiles(values, 8));

        WeightedKMeans.Fit(values.ToArray(), weights.ToArray(), centroids);

        var fitted = WeightedError(values, weights, centroids);
        Assert.True(fitted < quantileOnly, $"k-means {fitted} vs quantiles {quantileOnly}");
        Assert.True(centroids.SequenceEqual(centroids.Order()), "centroids ascend");
    }

    private static float[] Quantiles(float[] values, int k)
    {
        var sorted = values.Order().ToArray();
        return [.. Enumerable.Range(0, k).Select(j => sorted[(int)((j + 0.5) * sorted.Length / k)])];
    }

    private static double WeightedError(float[] values, float[] weights, float[] centroids) =>
        values.Select((v, i) => weights[i] * Math.Pow(v - centroids[WeightedKMeans.Nearest(centroids, v)], 2)).Sum();
}
