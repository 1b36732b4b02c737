using System.Buffers;

namespace Sieve.Plugins.Heads.Clustering;

/// <summary>
/// Flash-KMeans' assignment: the nearest centroid of every point without the N × K distance matrix. Points go in
/// tiles of <see cref="PointTile"/> (one work item each, spread over the cores); a tile meets the centroids in tiles of
/// <see cref="CentroidTile"/> (kept in cache while the tile's points pass over them), and each 4 × 2 block of dot
/// products is folded at once into the points' running nearest and second nearest. Only O(N) results are written.
/// ‖x − c‖² = ‖x‖² + ‖c‖² − 2 x·c: the points compare ‖c‖² − 2 x·c and add ‖x‖² at the end.
/// </summary>
public static class FusedAssignment
{
    public const int PointTile = 64;
    public const int CentroidTile = 64;

    /// <summary>Assigns the N points [N, d] to the nearest of the K centroids [K, d].</summary>
    public static PointAssignment Assign(float[] points, int n, float[] centroids, int k, int d)
    {
        var result = new PointAssignment(n);
        Assign(points, n, centroids, k, d, result);
        return result;
    }

    /// <inheritdoc cref="Assign(float[], int, float[], int, int)"/>
    public static void Assign(float[] points, int n, float[] centroids, int k, int d, PointAssignment result)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(centroids);
        ArgumentNullException.ThrowIfNull(result);
        if (points.Length < (long)n * d || centroids.Length < (long)k * d || result.Count < n || k < 1)
        {
            throw new ArgumentException($"Expected {n} points and {k} centroids of dimension {d}.");
        }
        var centroidNorms = PointCentroidDots.SquaredNorms(centroids, k, d);
        var tiles = (n + PointTile - 1) / PointTile;
        Parallel.For(0, tiles, tile => AssignTile(points, tile * PointTile, Math.Min(PointTile, n - tile * PointTile), centroids, centroidNorms, k, d, result));
    }

    private static void AssignTile(float[] points, int first, int count, float[] centroids, float[] centroidNorms, int k, int d, PointAssignment result)
    {
        Span<float> best = stackalloc float[PointTile];
        Span<float> second = stackalloc float[PointTile];
        Span<int> nearest = stackalloc int[PointTile];
        Span<float> dots = stackalloc float[PointCentroidDots.Points * PointCentroidDots.Centroids];
        best.Fill(float.PositiveInfinity);
        second.Fill(float.PositiveInfinity);
        nearest.Clear();
        for (var tileStart = 0; tileStart < k; tileStart += CentroidTile)
        {
            var tileEnd = Math.Min(k, tileStart + CentroidTile);
            for (var p = 0; p < count; p += PointCentroidDots.Points)
            {
                var pointCount = Math.Min(PointCentroidDots.Points, count - p);
                for (var c = tileStart; c < tileEnd; c += PointCentroidDots.Centroids)
                {
                    var centroidCount = Math.Min(PointCentroidDots.Centroids, tileEnd - c);
                    PointCentroidDots.Block(points, first + p, pointCount, centroids, c, centroidCount, d, dots);
                    for (var i = 0; i < pointCount; i++)
                    {
                        for (var j = 0; j < centroidCount; j++)
                        {
                            // Centroids arrive in ascending id, so a strict < keeps the lower id on ties.
                            var score = centroidNorms[c + j] - 2 * dots[i * PointCentroidDots.Centroids + j];
                            var at = p + i;
                            if (score < best[at])
                            {
                                second[at] = best[at];
                                best[at] = score;
                                nearest[at] = c + j;
                            }
                            else if (score < second[at])
                            {
                                second[at] = score;
                            }
                        }
                    }
                }
            }
        }
        for (var i = 0; i < count; i++)
        {
            var row = points.AsSpan((first + i) * d, d);
            var norm = System.Numerics.Tensors.TensorPrimitives.Dot(row, row);
            result.Nearest[first + i] = nearest[i];
            result.Distance[first + i] = Math.Max(0, norm + best[i]);
            result.Second[first + i] = Math.Max(0, norm + second[i]);
        }
    }
}
