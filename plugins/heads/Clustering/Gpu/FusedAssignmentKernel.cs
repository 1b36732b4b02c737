using ILGPU;
using Sieve.Kernels.Gpu;

namespace Sieve.Plugins.Heads.Clustering.Gpu;

/// <summary>
/// The fused assignment on the GPU: one thread per point keeps its running nearest and second-nearest centroid in
/// registers while the group stages the centroids through shared memory, <see cref="TileCentroids"/> centroids ×
/// <see cref="DimensionChunk"/> dimensions at a time; the N × K distances never exist. Scores compare ‖c‖² − 2 x·c in
/// ascending centroid id (ties: the lower id), as the CPU's <see cref="FusedAssignment"/>. Launch: grid (⌈N/64⌉, 1, 1),
/// group <see cref="GroupSize"/>.
/// </summary>
public static class FusedAssignmentKernel
{
    public const int GroupSize = 64;
    public const int TileCentroids = 8;
    public const int DimensionChunk = 64;

    [GpuKernel]
    public static void Run(ArrayView<float> points, ArrayView<float> centroids, ArrayView<float> centroidNorms, ArrayView<int> nearest,
        ArrayView<float> distance, ArrayView<float> second, KMeansGpuParameters p)
    {
        var tile = SharedMemory.Allocate<float>(TileCentroids * DimensionChunk);
        var point = Grid.IdxX * GroupSize + Group.IdxX;
        var active = point < p.Points;
        var row = (long)(active ? point : 0) * p.Dimension;
        var best = float.PositiveInfinity;
        var runnerUp = float.PositiveInfinity;
        var bestId = 0;
        for (var first = 0; first < p.Clusters; first += TileCentroids)
        {
            float d0 = 0, d1 = 0, d2 = 0, d3 = 0, d4 = 0, d5 = 0, d6 = 0, d7 = 0;
            for (var dim = 0; dim < p.Dimension; dim += DimensionChunk)
            {
                for (var e = Group.IdxX; e < TileCentroids * DimensionChunk; e += GroupSize)
                {
                    var c = first + e / DimensionChunk;
                    var j = dim + e % DimensionChunk;
                    tile[e] = c < p.Clusters && j < p.Dimension ? centroids[(long)c * p.Dimension + j] : 0f;
                }
                Group.Barrier();
                var chunk = p.Dimension - dim < DimensionChunk ? p.Dimension - dim : DimensionChunk;
                for (var j = 0; j < chunk; j++)
                {
                    var x = points[row + dim + j];
                    d0 += x * tile[j];
                    d1 += x * tile[DimensionChunk + j];
                    d2 += x * tile[2 * DimensionChunk + j];
                    d3 += x * tile[3 * DimensionChunk + j];
                    d4 += x * tile[4 * DimensionChunk + j];
                    d5 += x * tile[5 * DimensionChunk + j];
                    d6 += x * tile[6 * DimensionChunk + j];
                    d7 += x * tile[7 * DimensionChunk + j];
                }
                Group.Barrier();
            }
            Fold(first, d0, centroidNorms, p.Clusters, ref best, ref runnerUp, ref bestId);
            Fold(first + 1, d1, centroidNorms, p.Clusters, ref best, ref runnerUp, ref bestId);
            Fold(first + 2, d2, centroidNorms, p.Clusters, ref best, ref runnerUp, ref bestId);
            Fold(first + 3, d3, centroidNorms, p.Clusters, ref best, ref runnerUp, ref bestId);
            Fold(first + 4, d4, centroidNorms, p.Clusters, ref best, ref runnerUp, ref bestId);
            Fold(first + 5, d5, centroidNorms, p.Clusters, ref best, ref runnerUp, ref bestId);
            Fold(first + 6, d6, centroidNorms, p.Clusters, ref best, ref runnerUp, ref bestId);
            Fold(first + 7, d7, centroidNorms, p.Clusters, ref best, ref runnerUp, ref bestId);
        }
        if (active)
        {
            var norm = 0f;
            for (var j = 0; j < p.Dimension; j++)
            {
                var x = points[row + j];
                norm += x * x;
            }
            nearest[point] = bestId;
            distance[point] = norm + best > 0f ? norm + best : 0f;
            second[point] = norm + runnerUp > 0f ? norm + runnerUp : 0f;
        }
    }

    /// <summary>Folds centroid <paramref name="c"/>'s dot product into the running nearest and second nearest.</summary>
    private static void Fold(int c, float dot, ArrayView<float> centroidNorms, int clusters, ref float best, ref float runnerUp, ref int bestId)
    {
        if (c >= clusters)
        {
            return;
        }
        var score = centroidNorms[c] - 2f * dot;
        if (score < best)
        {
            runnerUp = best;
            best = score;
            bestId = c;
        }
        else if (score < runnerUp)
        {
            runnerUp = score;
        }
    }
}
