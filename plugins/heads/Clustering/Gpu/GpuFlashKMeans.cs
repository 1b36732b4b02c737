using Sieve.Abstractions;

namespace Sieve.Plugins.Heads.Clustering.Gpu;

/// <summary>
/// <see cref="FlashKMeans"/> with the two heavy steps on the GPU: the fused assignment (<see cref="FusedAssignmentKernel"/>)
/// and the per-cluster means (<see cref="ClusterMeanKernel"/>). The counting sort of the assignments (O(N)) and the
/// balancing pass (sequential by nature: each point's choice depends on the ones before it) run on the host between
/// the two. The points are uploaded once per fit. Loads its kernels at construction. Not thread-safe.
/// </summary>
public sealed class GpuFlashKMeans
{
    private readonly IGpuDevice _device;
    private readonly IGpuKernel _assign;
    private readonly IGpuKernel _mean;

    public GpuFlashKMeans(IGpuDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        _device = device;
        _assign = device.Kernel(typeof(FusedAssignmentKernel).GetMethod(nameof(FusedAssignmentKernel.Run))!);
        _mean = device.Kernel(typeof(ClusterMeanKernel).GetMethod(nameof(ClusterMeanKernel.Run))!);
    }

    /// <summary>One fused assignment of the N points [N, d] to the K centroids [K, d] (uploads both, downloads the result).</summary>
    public PointAssignment Assign(float[] points, int n, float[] centroids, int k, int d)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(centroids);
        using var devicePoints = Upload(points.AsSpan(0, n * d));
        using var buffers = new AssignmentBuffers(_device, n, k, d);
        var result = new PointAssignment(n);
        Assign(devicePoints.Address, n, centroids, k, d, buffers, result);
        return result;
    }

    /// <summary>Clusters the N points [N, d]; the same iterations as <see cref="FlashKMeans.Fit"/>.</summary>
    public KMeansResult Fit(float[] points, int n, int d, KMeansSettings settings, float[]? initialCentroids = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate(n);
        var k = settings.Clusters;
        var centroids = initialCentroids is null ? FlashKMeans.InitialCentroids(points, n, d, k, settings.Seed) : (float[])initialCentroids.Clone();
        using var devicePoints = Upload(points.AsSpan(0, n * d));
        using var buffers = new AssignmentBuffers(_device, n, k, d);
        using var deviceMembers = _device.Allocate((long)n * sizeof(int));
        using var deviceOffsets = _device.Allocate((long)(k + 1) * sizeof(int));
        var parameters = new KMeansGpuParameters(n, k, d);
        return FlashKMeans.Iterate(points, n, d, settings, centroids,
            assignment => Assign(devicePoints.Address, n, centroids, k, d, buffers, assignment),
            (members, offsets) =>
            {
                _device.Upload<int>(members, deviceMembers.Address);
                _device.Upload<int>(offsets, deviceOffsets.Address);
                _mean.Launch(new GpuLaunch(k, 1, 1, ClusterMeanKernel.GroupSize),
                    new KernelArguments().View<float>(devicePoints.Address, (long)n * d).View<int>(deviceMembers.Address, n)
                        .View<int>(deviceOffsets.Address, k + 1).View<float>(buffers.Centroids.Address, (long)k * d).Value(parameters));
                _device.Download<float>(buffers.Centroids.Address, centroids);
            });
    }

    private void Assign(DeviceAddress points, int n, float[] centroids, int k, int d, AssignmentBuffers buffers, PointAssignment result)
    {
        _device.Upload<float>(centroids.AsSpan(0, k * d), buffers.Centroids.Address);
        _device.Upload<float>(PointCentroidDots.SquaredNorms(centroids, k, d), buffers.Norms.Address);
        _assign.Launch(new GpuLaunch((n + FusedAssignmentKernel.GroupSize - 1) / FusedAssignmentKernel.GroupSize, 1, 1, FusedAssignmentKernel.GroupSize),
            new KernelArguments()
                .View<float>(points, (long)n * d)
                .View<float>(buffers.Centroids.Address, (long)k * d)
                .View<float>(buffers.Norms.Address, k)
                .View<int>(buffers.Nearest.Address, n)
                .View<float>(buffers.Distance.Address, n)
                .View<float>(buffers.Second.Address, n)
                .Value(new KMeansGpuParameters(n, k, d)));
        _device.Download<int>(buffers.Nearest.Address, result.Nearest);
        _device.Download<float>(buffers.Distance.Address, result.Distance);
        _device.Download<float>(buffers.Second.Address, result.Second);
    }

    private IGpuBuffer Upload(ReadOnlySpan<float> values)
    {
        var buffer = _device.Allocate((long)values.Length * sizeof(float));
        _device.Upload(values, buffer.Address);
        return buffer;
    }

    /// <summary>The device buffers of one assignment: centroids, their norms and the per-point results.</summary>
    private sealed class AssignmentBuffers(IGpuDevice device, int n, int k, int d) : IDisposable
    {
        public IGpuBuffer Centroids { get; } = device.Allocate((long)k * d * sizeof(float));
        public IGpuBuffer Norms { get; } = device.Allocate((long)k * sizeof(float));
        public IGpuBuffer Nearest { get; } = device.Allocate((long)n * sizeof(int));
        public IGpuBuffer Distance { get; } = device.Allocate((long)n * sizeof(float));
        public IGpuBuffer Second { get; } = device.Allocate((long)n * sizeof(float));

        public void Dispose()
        {
            Centroids.Dispose();
            Norms.Dispose();
            Nearest.Dispose();
            Distance.Dispose();
            Second.Dispose();
        }
    }
}
