namespace Sieve.Host.Onnx.Passes.Attention;

/// <summary>Transpositions between the layouts attention nodes use and [batch, heads, sequence, headSize].</summary>
internal static class AttentionLayouts
{
    /// <summary>[B, S, H·D] → [B, H, S, D] into <paramref name="target"/>; returns the filled part.</summary>
    public static Memory<float> PackedToHeadsFirst(ReadOnlySpan<float> source, float[] target, int batch, int length, int heads, int headSize)
    {
        for (var b = 0; b < batch; b++)
        {
            for (var s = 0; s < length; s++)
            {
                for (var h = 0; h < heads; h++)
                {
                    source.Slice(((b * length + s) * heads + h) * headSize, headSize)
                        .CopyTo(target.AsSpan(((b * heads + h) * length + s) * headSize, headSize));
                }
            }
        }
        return target.AsMemory(0, batch * length * heads * headSize);
    }

    /// <summary>[B, H, S, D] → [B, S, H·D].</summary>
    public static void HeadsFirstToPacked(ReadOnlySpan<float> source, Span<float> target, int batch, int heads, int length, int headSize)
    {
        for (var b = 0; b < batch; b++)
        {
            for (var h = 0; h < heads; h++)
            {
                for (var s = 0; s < length; s++)
                {
                    source.Slice(((b * heads + h) * length + s) * headSize, headSize)
                        .CopyTo(target.Slice(((b * length + s) * heads + h) * headSize, headSize));
                }
            }
        }
    }

    /// <summary>[M, R, C] → [M, C, R] into <paramref name="target"/> (a key given as Kᵀ back to K).</summary>
    public static Memory<float> SwapLastTwo(ReadOnlySpan<float> source, float[] target, int matrices, int rows, int columns)
    {
        for (var m = 0; m < matrices; m++)
        {
            var from = source.Slice(m * rows * columns, rows * columns);
            var to = target.AsSpan(m * rows * columns, rows * columns);
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < columns; c++)
                {
                    to[c * rows + r] = from[r * columns + c];
                }
            }
        }
        return target.AsMemory(0, matrices * rows * columns);
    }
}
