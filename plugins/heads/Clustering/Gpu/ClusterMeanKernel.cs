using ILGPU;
using Sieve.Kernels.Gpu;

namespace Sieve.Plugins.Heads.Clustering.Gpu;

/// <summary>
/// The centroid update on the GPU without atomics: one group per cluster averages the cluster's own contiguous list of
/// point ids (the sort-inverse of the assignments, <see cref="SortedCentroidUpdate.Group"/>), its threads over the
/// dimensions. An empty cluster keeps its centroid. Launch: grid (K, 1, 1), group <see cref="GroupSize"/>.
/// </summary>
public static class ClusterMeanKernel
{
    public const int GroupSize = 128;

    [GpuKernel]
    public static void Run(ArrayView<float> points, ArrayView<int> members, ArrayView<int> offsets, ArrayView<float> centroids, KMeansGpuParameters p)
    {
        var cluster = Grid.IdxX;
        var start = offsets[cluster];
        var end = offsets[cluster + 1];
        if (start == end)
        {
            return;
        }
        for (var j = Group.IdxX; j < p.Dimension; j += GroupSize)
        {
            var sum = 0f;
            for (var m = start; m < end; m++)
            {
                sum += points[(long)members[m] * p.Dimension + j];
            }
            centroids[(long)cluster * p.Dimension + j] = sum / (end - start);
        }
    }
}
