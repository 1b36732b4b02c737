using System.Numerics.Tensors;

namespace Sieve.Host.Onnx;

/// <summary>An encoder's last hidden states for one batch, [rows, length, size], with each row's valid length.</summary>
internal sealed class HiddenStates(float[] values, int[] lengths, int length, int size)
{
    /// <summary>[rows, length, size], row-major; positions at or beyond a row's length are padding.</summary>
    public float[] Values { get; } = values;

    /// <summary>Valid tokens of each row.</summary>
    public int[] Lengths { get; } = lengths;

    public int Rows => Lengths.Length;

    public int Length { get; } = length;

    public int Size { get; } = size;

    /// <summary>Mean over the row's valid tokens, L2-normalized: a sentence embedding.</summary>
    public float[] MeanPoolNormalized(int row)
    {
        var sum = new float[Size];
        var rowStart = row * Length * Size;
        for (var t = 0; t < Lengths[row]; t++)
        {
            TensorPrimitives.Add(sum, Values.AsSpan(rowStart + t * Size, Size), sum);
        }
        TensorPrimitives.Divide(sum, Math.Max(Lengths[row], 1), sum);
        var norm = TensorPrimitives.Norm(sum);
        TensorPrimitives.Divide(sum, Math.Max(norm, 1e-12f), sum);
        return sum;
    }
}
