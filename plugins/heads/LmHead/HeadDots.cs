using System.Numerics.Tensors;
using Sieve.Plugins.Heads.Clustering;

namespace Sieve.Plugins.Heads.LmHead;

/// <summary>
/// Logits of a block of matrix rows for one or several hidden states: one row uses <see cref="TensorPrimitives.Dot"/>
/// per matrix row; several use the 4 × 2 block of <see cref="PointCentroidDots"/>, so a matrix row is read once for four
/// hidden states. The dense and the clustered heads both multiply through here, so comparing them compares how many
/// rows they touch, not two multiplies.
/// </summary>
public static class HeadDots
{
    /// <summary>
    /// output[r * stride + offset + i] = hidden[r] · matrix[first + i] for r &lt; rows, i &lt; count.
    /// </summary>
    public static void Compute(float[] hidden, int rows, float[] matrix, int first, int count, int d, float[] output, int stride, int offset)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(output);
        if (rows == 1)
        {
            var h = hidden.AsSpan(0, d);
            for (var i = 0; i < count; i++)
            {
                output[offset + i] = TensorPrimitives.Dot(h, matrix.AsSpan((first + i) * d, d));
            }
            return;
        }
        Span<float> dots = stackalloc float[PointCentroidDots.Points * PointCentroidDots.Centroids];
        for (var r = 0; r < rows; r += PointCentroidDots.Points)
        {
            var rowCount = Math.Min(PointCentroidDots.Points, rows - r);
            for (var i = 0; i < count; i += PointCentroidDots.Centroids)
            {
                var pair = Math.Min(PointCentroidDots.Centroids, count - i);
                PointCentroidDots.Block(hidden, r, rowCount, matrix, first + i, pair, d, dots);
                for (var a = 0; a < rowCount; a++)
                {
                    for (var b = 0; b < pair; b++)
                    {
                        output[(r + a) * stride + offset + i + b] = dots[a * PointCentroidDots.Centroids + b];
                    }
                }
            }
        }
    }

    /// <summary>
    /// The dense head: logits [rows, V] = hidden [rows, d] · Wᵀ over every row of W [V, d], in chunks of tokens (four
    /// per core, at least 64 tokens each) spread over the cores.
    /// </summary>
    public static void DenseLogits(float[] hidden, int rows, float[] weights, int vocabulary, int d, float[] logits)
    {
        var chunk = Math.Max(64, (vocabulary + 4 * Environment.ProcessorCount - 1) / (4 * Environment.ProcessorCount));
        var chunks = (vocabulary + chunk - 1) / chunk;
        if (chunks == 1)
        {
            Compute(hidden, rows, weights, 0, vocabulary, d, logits, vocabulary, 0);
            return;
        }
        Parallel.For(0, chunks, c =>
        {
            var first = c * chunk;
            Compute(hidden, rows, weights, first, Math.Min(chunk, vocabulary - first), d, logits, vocabulary, first);
        });
    }
}
