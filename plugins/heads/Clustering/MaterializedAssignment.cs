namespace Sieve.Plugins.Heads.Clustering;

/// <summary>
/// The baseline Flash-KMeans is measured against: the whole N × K matrix of ‖c‖² − 2 x·c (the squared distances less
/// each point's constant ‖x‖²) is written, GEMM-style with the same 4 × 2 multiply as <see cref="FusedAssignment"/>, then
/// read back row by row for the argmin. Same results, bit for bit; only the matrix (its allocation, write and re-read)
/// differs.
/// </summary>
public static class MaterializedAssignment
{
    /// <summary>The N × K matrix [N, K] of ‖c‖² − 2 x·c, into <paramref name="workspace"/> when it is large enough (a GEMM's reused output).</summary>
    public static float[] Scores(float[] points, int n, float[] centroids, int k, int d, float[]? workspace = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(centroids);
        var centroidNorms = PointCentroidDots.SquaredNorms(centroids, k, d);
        var scores = workspace is not null && workspace.LongLength >= (long)n * k ? workspace : new float[(long)n * k];
        // The same tiles as the fused pass (a tiled GEMM): only where the 4 × 2 results go differs.
        var tiles = (n + FusedAssignment.PointTile - 1) / FusedAssignment.PointTile;
        Parallel.For(0, tiles, tile =>
        {
            Span<float> dots = stackalloc float[PointCentroidDots.Points * PointCentroidDots.Centroids];
            var first = tile * FusedAssignment.PointTile;
            var count = Math.Min(FusedAssignment.PointTile, n - first);
            for (var tileStart = 0; tileStart < k; tileStart += FusedAssignment.CentroidTile)
            {
                var tileEnd = Math.Min(k, tileStart + FusedAssignment.CentroidTile);
                for (var p = first; p < first + count; p += PointCentroidDots.Points)
                {
                    var pointCount = Math.Min(PointCentroidDots.Points, first + count - p);
                    for (var c = tileStart; c < tileEnd; c += PointCentroidDots.Centroids)
                    {
                        var centroidCount = Math.Min(PointCentroidDots.Centroids, tileEnd - c);
                        PointCentroidDots.Block(points, p, pointCount, centroids, c, centroidCount, d, dots);
                        for (var i = 0; i < pointCount; i++)
                        {
                            for (var j = 0; j < centroidCount; j++)
                            {
                                scores[(long)(p + i) * k + c + j] = centroidNorms[c + j] - 2 * dots[i * PointCentroidDots.Centroids + j];
                            }
                        }
                    }
                }
            }
        });
        return scores;
    }

    /// <summary>Assigns through the materialised matrix: <see cref="Scores"/>, then an argmin per row (ties: the lower id).</summary>
    /// <param name="workspace">Reused for the matrix when it holds N × K floats (else one is allocated).</param>
    public static PointAssignment Assign(float[] points, int n, float[] centroids, int k, int d, float[]? workspace = null)
    {
        var scores = Scores(points, n, centroids, k, d, workspace);
        var result = new PointAssignment(n);
        Parallel.For(0, n, i =>
        {
            var row = scores.AsSpan((int)((long)i * k), k);
            var best = float.PositiveInfinity;
            var second = float.PositiveInfinity;
            var nearest = 0;
            for (var j = 0; j < k; j++)
            {
                if (row[j] < best)
                {
                    second = best;
                    best = row[j];
                    nearest = j;
                }
                else if (row[j] < second)
                {
                    second = row[j];
                }
            }
            var point = points.AsSpan(i * d, d);
            var norm = System.Numerics.Tensors.TensorPrimitives.Dot(point, point);
            result.Nearest[i] = nearest;
            result.Distance[i] = Math.Max(0, norm + best);
            result.Second[i] = Math.Max(0, norm + second);
        });
        return result;
    }
}
