namespace Sieve.Kernels;

/// <summary>
/// One key or value head transposed to [headSize, stride] (stride = keys rounded up to 8, zero-padded), the layout
/// the attention micro-kernels stream: for a fixed feature, consecutive keys are contiguous. Rent from the pool and
/// return with <see cref="Dispose"/>; not thread-safe.
/// </summary>
public sealed class HeadPanel : IDisposable
{
    private float[] _data;

    /// <summary>Transposes <paramref name="rows"/> keys of <paramref name="source"/> ([keys, headSize], row-major).</summary>
    public HeadPanel(ReadOnlySpan<float> source, int rows, int headSize)
    {
        Keys = rows;
        HeadSize = headSize;
        Stride = (rows + 7) & ~7;
        _data = System.Buffers.ArrayPool<float>.Shared.Rent(Math.Max(1, Stride * headSize));
        for (var d = 0; d < headSize; d++)
        {
            var row = _data.AsSpan(d * Stride, Stride);
            for (var t = 0; t < rows; t++)
            {
                row[t] = source[t * headSize + d];
            }
            row[rows..].Clear();
        }
    }

    /// <summary>Valid keys.</summary>
    public int Keys { get; }

    /// <summary>Features per key.</summary>
    public int HeadSize { get; }

    /// <summary>Distance between features (keys rounded up to 8).</summary>
    public int Stride { get; }

    /// <summary>The whole panel, [headSize, Stride].</summary>
    public ReadOnlySpan<float> Data => _data.AsSpan(0, Stride * HeadSize);

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        if (_data.Length > 0)
        {
            System.Buffers.ArrayPool<float>.Shared.Return(_data);
            _data = [];
        }
    }
}
