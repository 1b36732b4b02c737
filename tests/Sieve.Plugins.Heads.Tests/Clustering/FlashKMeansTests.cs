using Sieve.Plugins.Heads.Clustering;

namespace Sieve.Plugins.Heads.Tests.Clustering;

public sealed class FlashKMeansTests
{
    /// <summary>N, d, K: odd sizes, d below, at and above the vector width, K below and above a centroid tile.</summary>
    public static TheoryData<int, int, int> Shapes => new() { { 1, 1, 1 }, { 7, 3, 2 }, { 193, 13, 7 }, { 301, 37, 65 }, { 517, 129, 3 }, { 1000, 8, 131 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void FusedAssignment_AgreesWithNaiveDistances(int n, int d, int k)
    {
        var random = new Random(n * 31 + d);
        var points = Random(random, n * d);
        var centroids = Random(random, k * d);

        var fused = FusedAssignment.Assign(points, n, centroids, k, d);

        var naive = NaiveKMeans.Assign(points, n, d, Array.ConvertAll(centroids, v => (double)v), k, out _);
        for (var i = 0; i < n; i++)
        {
            var exact = Distance(points, i, centroids, naive[i], d);
            var chosen = Distance(points, i, centroids, fused.Nearest[i], d);
            // Float sums may pick another centroid only when the two are equally near to float precision.
            Assert.True(fused.Nearest[i] == naive[i] || chosen - exact <= 1e-4 * (1 + exact), $"point {i}: {fused.Nearest[i]} vs {naive[i]}");
            Assert.Equal(chosen, fused.Distance[i], 1e-3 * (1 + chosen));
            Assert.True(fused.SecondDistance(i) >= fused.Distance[i]);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void FusedAssignment_EqualsTheMaterializedBaselineBitForBit(int n, int d, int k)
    {
        var random = new Random(n + k);
        var points = Random(random, n * d);
        var centroids = Random(random, k * d);

        var fused = FusedAssignment.Assign(points, n, centroids, k, d);
        var materialized = MaterializedAssignment.Assign(points, n, centroids, k, d);

        Assert.Equal(materialized.Nearest, fused.Nearest);
        Assert.Equal(materialized.Distance, fused.Distance);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(materialized.SecondDistance(i), fused.SecondDistance(i));
        }
    }

    [Theory]
    [InlineData(301, 13, 7)]
    [InlineData(999, 33, 31)]
    [InlineData(257, 129, 5)]
    public void Fit_OnSeparatedBlobs_FindsTheBlobsAsNaiveKMeansDoes(int n, int d, int k)
    {
        var (points, labels) = ClusteredPoints.Blobs(n, d, k, spread: 0.1f, seed: 5);
        var initial = ClusteredPoints.OnePointPerBlob(points, d, k);

        var flash = FlashKMeans.Fit(points, n, d, new KMeansSettings(k), initial);
        var naive = NaiveKMeans.Fit(points, n, d, initial, k, 25);

        Assert.Equal(naive.Assignments, flash.Assignments);
        Assert.True(ClusteredPoints.SamePartition(labels, flash.Assignments));
        Assert.Equal(naive.Objective, flash.Objective, naive.Objective * 1e-4);
    }

    [Theory]
    [InlineData(401, 11, 9, 1)]
    [InlineData(777, 21, 17, 2)]
    [InlineData(1001, 5, 33, 3)]
    public void Fit_OnOverlappingData_ReachesTheNaiveObjective(int n, int d, int k, int seed)
    {
        var (points, _) = ClusteredPoints.Blobs(n, d, k, spread: 4f, seed: seed);
        var initial = FlashKMeans.InitialCentroids(points, n, d, k, seed);

        var flash = FlashKMeans.Fit(points, n, d, new KMeansSettings(k, Iterations: 50), initial);
        var naive = NaiveKMeans.Fit(points, n, d, initial, k, 50);

        Assert.Equal(naive.Objective, flash.Objective, naive.Objective * 1e-3);
        Assert.Equal(FlashKMeans.Objective(points, d, flash.Centroids, flash.Assignments), flash.Objective);
    }

    [Fact]
    public void Fit_GroupsMembersByCluster_InAscendingOrder()
    {
        var (points, _) = ClusteredPoints.Blobs(203, 6, 5, 1f, 9);

        var result = FlashKMeans.Fit(points, 203, 6, new KMeansSettings(5, Seed: 3));

        Assert.Equal(203, result.Offsets[^1]);
        for (var c = 0; c < result.Clusters; c++)
        {
            var members = result.Members.AsSpan(result.Offsets[c], result.Size(c)).ToArray();
            Assert.All(members, m => Assert.Equal(c, result.Assignments[m]));
            Assert.Equal(members.Order().ToArray(), members);
        }
    }

    [Theory]
    [InlineData(1000, 7, 10)]
    [InlineData(1003, 9, 17)]
    [InlineData(64, 3, 64)]
    public void Fit_Balanced_CapsEveryClusterAtTheCeilingOfNOverK(int n, int d, int k)
    {
        // Unequal blobs: one holds most points, so unconstrained k-means would give unequal clusters.
        var random = new Random(n);
        var points = new float[n * d];
        for (var i = 0; i < points.Length; i++)
        {
            points[i] = ClusteredPoints.Gaussian(random) * (i / d % 3 == 0 ? 5f : 0.5f);
        }
        var settings = new KMeansSettings(k, Balanced: true, Seed: 1);

        var result = FlashKMeans.Fit(points, n, d, settings);

        var capacity = (n + k - 1) / k;
        for (var c = 0; c < k; c++)
        {
            Assert.InRange(result.Size(c), 0, capacity);
        }
        Assert.Equal(n, result.Offsets[^1]);
    }

    [Fact]
    public void Fit_BalancedOnEqualSeparatedBlobs_FindsTheBlobs()
    {
        var (points, labels) = ClusteredPoints.Blobs(640, 24, 16, 0.1f, 4);
        var initial = ClusteredPoints.OnePointPerBlob(points, 24, 16);

        var balanced = FlashKMeans.Fit(points, 640, 24, new KMeansSettings(16, Balanced: true), initial);

        Assert.True(ClusteredPoints.SamePartition(labels, balanced.Assignments));
        Assert.All(Enumerable.Range(0, 16), c => Assert.Equal(40, balanced.Size(c)));
    }

    [Fact]
    public void Rebalance_MovesOnlyPointsOfFullClusters_ToTheNearestWithRoom()
    {
        // Four points on a line, all nearest to centroid 0; capacity 2 sends the two that lose least to centroid 1.
        float[] points = [0f, 0.1f, 0.9f, 1.0f];
        float[] centroids = [0f, 2f];
        var assignment = FusedAssignment.Assign(points, 4, centroids, 2, 1);
        Assert.All(assignment.Nearest, c => Assert.Equal(0, c));

        var moved = BalancedAssignment.Rebalance(points, 4, centroids, 2, 1, 2, assignment);

        Assert.Equal(2, moved);
        Assert.Equal([0, 0, 1, 1], assignment.Nearest);
        Assert.Equal(1.1f * 1.1f, assignment.Distance[2], 1e-5f);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void Fit_KOutOfRange_IsRefused(int k)
    {
        var error = Assert.Throws<ArgumentException>(() => FlashKMeans.Fit(new float[30], 10, 3, new KMeansSettings(k)));
        Assert.Contains($"K = {k}", error.Message, StringComparison.Ordinal);
    }

    private static float[] Random(Random random, int count)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }
        return values;
    }

    private static double Distance(float[] points, int i, float[] centroids, int c, int d)
    {
        var sum = 0.0;
        for (var j = 0; j < d; j++)
        {
            var delta = (double)points[i * d + j] - centroids[c * d + j];
            sum += delta * delta;
        }
        return sum;
    }
}
