using Sieve.Plugins.Heads.Clustering;
using Sieve.Plugins.Heads.Clustering.Gpu;
using Sieve.Testing.Gpu;

namespace Sieve.Plugins.Heads.Tests.Clustering;

/// <summary>Flash-KMeans' GPU kernels on ILGPU's CPU accelerator (bounds-checked views), through the launcher the GPU uses.</summary>
public sealed class GpuFlashKMeansTests : IDisposable
{
    private readonly CpuAcceleratorDevice _device = new();

    public void Dispose() => _device.Dispose();

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(65, 7, 3)]
    [InlineData(131, 67, 9)]
    [InlineData(70, 130, 17)]
    public void Assign_EqualsTheCpuFusedAssignment(int n, int d, int k)
    {
        var random = new Random(n * 7 + k);
        var points = Values(random, n * d);
        var centroids = Values(random, k * d);

        var gpu = new GpuFlashKMeans(_device).Assign(points, n, centroids, k, d);

        var cpu = FusedAssignment.Assign(points, n, centroids, k, d);
        for (var i = 0; i < n; i++)
        {
            // The GPU sums in another order: a different nearest only between two equally near centroids.
            Assert.True(gpu.Nearest[i] == cpu.Nearest[i] || Math.Abs(gpu.Distance[i] - cpu.Distance[i]) <= 1e-4f * (1 + cpu.Distance[i]), $"point {i}");
            Assert.Equal(cpu.Distance[i], gpu.Distance[i], 1e-4f * (1 + cpu.Distance[i]));
            Assert.Equal(cpu.SecondDistance(i), gpu.SecondDistance(i), 1e-4f * (1 + cpu.SecondDistance(i)));
        }
    }

    [Theory]
    [InlineData(193, 13, 7, false)]
    [InlineData(150, 19, 10, true)]
    public void Fit_OnSeparatedBlobs_MatchesTheCpuClustering(int n, int d, int k, bool balanced)
    {
        var (points, labels) = ClusteredPoints.Blobs(n, d, k, 0.1f, 3);
        var initial = ClusteredPoints.OnePointPerBlob(points, d, k);
        var settings = new KMeansSettings(k, Balanced: balanced);

        var gpu = new GpuFlashKMeans(_device).Fit(points, n, d, settings, initial);

        var cpu = FlashKMeans.Fit(points, n, d, settings, initial);
        Assert.Equal(cpu.Assignments, gpu.Assignments);
        Assert.True(ClusteredPoints.SamePartition(labels, gpu.Assignments));
        Assert.Equal(cpu.Objective, gpu.Objective, cpu.Objective * 1e-4);
        for (var i = 0; i < cpu.Centroids.Length; i++)
        {
            Assert.Equal(cpu.Centroids[i], gpu.Centroids[i], 1e-4f);
        }
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }
        return values;
    }
}
