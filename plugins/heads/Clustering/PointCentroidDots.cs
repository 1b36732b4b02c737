using System.Diagnostics;
using System.Numerics;

namespace Sieve.Plugins.Heads.Clustering;

/// <summary>
/// The multiply both assignments share: dot products of a block of up to 4 points with 2 centroids at once, eight
/// <see cref="Vector{T}"/> accumulators over d (each centroid load serves 4 points, each point load 2 centroids), a
/// scalar tail for d mod the vector width. The fused and the materialised assignment differ only in what they do with
/// the 4 × 2 results, so a benchmark between them measures the distance matrix, not a weaker multiply.
/// </summary>
internal static class PointCentroidDots
{
    public const int Points = 4;
    public const int Centroids = 2;

    /// <summary>
    /// <paramref name="dots"/>[p * 2 + c] = points[first + p] · centroids[centroid + c] for p &lt; 4, c &lt; 2. Rows past
    /// <paramref name="pointCount"/> or <paramref name="centroidCount"/> repeat the last valid one (their results are unused).
    /// </summary>
    public static void Block(ReadOnlySpan<float> points, int first, int pointCount, ReadOnlySpan<float> centroids, int centroid, int centroidCount,
        int d, Span<float> dots)
    {
        Debug.Assert(pointCount is >= 1 and <= Points && centroidCount is >= 1 and <= Centroids && dots.Length >= Points * Centroids);
        var x0 = points.Slice(first * d, d);
        var x1 = points.Slice((first + Math.Min(1, pointCount - 1)) * d, d);
        var x2 = points.Slice((first + Math.Min(2, pointCount - 1)) * d, d);
        var x3 = points.Slice((first + Math.Min(3, pointCount - 1)) * d, d);
        var c0 = centroids.Slice(centroid * d, d);
        var c1 = centroids.Slice((centroid + centroidCount - 1) * d, d);
        Vector<float> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default, a30 = default, a31 = default;
        var width = Vector<float>.Count;
        var i = 0;
        for (; i <= d - width; i += width)
        {
            var v0 = new Vector<float>(c0[i..]);
            var v1 = new Vector<float>(c1[i..]);
            var p = new Vector<float>(x0[i..]);
            a00 = Vector.FusedMultiplyAdd(p, v0, a00);
            a01 = Vector.FusedMultiplyAdd(p, v1, a01);
            p = new Vector<float>(x1[i..]);
            a10 = Vector.FusedMultiplyAdd(p, v0, a10);
            a11 = Vector.FusedMultiplyAdd(p, v1, a11);
            p = new Vector<float>(x2[i..]);
            a20 = Vector.FusedMultiplyAdd(p, v0, a20);
            a21 = Vector.FusedMultiplyAdd(p, v1, a21);
            p = new Vector<float>(x3[i..]);
            a30 = Vector.FusedMultiplyAdd(p, v0, a30);
            a31 = Vector.FusedMultiplyAdd(p, v1, a31);
        }
        dots[0] = Vector.Sum(a00);
        dots[1] = Vector.Sum(a01);
        dots[2] = Vector.Sum(a10);
        dots[3] = Vector.Sum(a11);
        dots[4] = Vector.Sum(a20);
        dots[5] = Vector.Sum(a21);
        dots[6] = Vector.Sum(a30);
        dots[7] = Vector.Sum(a31);
        for (; i < d; i++)
        {
            dots[0] += x0[i] * c0[i];
            dots[1] += x0[i] * c1[i];
            dots[2] += x1[i] * c0[i];
            dots[3] += x1[i] * c1[i];
            dots[4] += x2[i] * c0[i];
            dots[5] += x2[i] * c1[i];
            dots[6] += x3[i] * c0[i];
            dots[7] += x3[i] * c1[i];
        }
    }

    /// <summary>‖row‖² of every row of [rows, d].</summary>
    public static float[] SquaredNorms(ReadOnlySpan<float> rows, int count, int d)
    {
        var norms = new float[count];
        for (var r = 0; r < count; r++)
        {
            var row = rows.Slice(r * d, d);
            norms[r] = System.Numerics.Tensors.TensorPrimitives.Dot(row, row);
        }
        return norms;
    }
}
