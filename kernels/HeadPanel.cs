using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sieve.Kernels;

/// <summary>
/// One key or value head transposed to [headSize, stride] (stride = keys rounded up to 8, zero-padded), the layout
/// the attention micro-kernels stream: for a fixed feature, consecutive keys are contiguous. Rent from the pool and
/// return with <see cref="Dispose"/>; not thread-safe. A panel made with a capacity grows by <see cref="Append"/>
/// (a decode step's new keys) instead of being transposed again from the whole cache.
/// </summary>
public sealed class HeadPanel : IDisposable
{
    private float[] _data;
    private readonly bool _grows;

    /// <summary>Transposes <paramref name="rows"/> keys of <paramref name="source"/> ([keys, headSize], row-major).</summary>
    public HeadPanel(ReadOnlySpan<float> source, int rows, int headSize)
    {
        Keys = rows;
        HeadSize = headSize;
        Stride = (rows + 7) & ~7;
        _data = System.Buffers.ArrayPool<float>.Shared.Rent(Math.Max(1, Stride * headSize));
        var blockedKeys = 0;
        var blockedFeatures = 0;
        if (Avx.IsSupported)
        {
            // 8 × 8 blocks through registers: a scalar gather costs as much as the attention itself on short heads.
            blockedKeys = rows & ~7;
            blockedFeatures = headSize & ~7;
            for (var t = 0; t < blockedKeys; t += 8)
            {
                for (var d = 0; d < blockedFeatures; d += 8)
                {
                    TransposeBlock(source[(t * headSize + d)..], headSize, _data.AsSpan(d * Stride + t), Stride);
                }
            }
        }
        for (var d = 0; d < headSize; d++)
        {
            var row = _data.AsSpan(d * Stride, Stride);
            // Keys outside the blocks, and features outside them for every key.
            for (var t = d < blockedFeatures ? blockedKeys : 0; t < rows; t++)
            {
                row[t] = source[t * headSize + d];
            }
            row[rows..].Clear();
        }
    }

    /// <summary>An empty panel with room for <paramref name="capacity"/> keys (zero-filled: readable to its stride).</summary>
    public HeadPanel(int capacity, int headSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        HeadSize = headSize;
        Stride = (capacity + 7) & ~7;
        _data = new float[Math.Max(1, Stride * headSize)];
        _grows = true;
    }

    /// <summary>Adds keys ([count, headSize], row-major) after the panel's keys.</summary>
    /// <exception cref="InvalidOperationException">They do not fit the panel's capacity (its stride).</exception>
    public void Append(ReadOnlySpan<float> keys)
    {
        var count = keys.Length / HeadSize;
        if (Keys + count > Stride)
        {
            throw new InvalidOperationException($"{count} keys after {Keys} do not fit a panel of {Stride}.");
        }
        for (var t = 0; t < count; t++)
        {
            var key = keys.Slice(t * HeadSize, HeadSize);
            for (var d = 0; d < HeadSize; d++)
            {
                _data[d * Stride + Keys + t] = key[d];
            }
        }
        Keys += count;
    }

    /// <summary>Writes the transpose of the 8 × 8 block at <paramref name="source"/> (row stride <paramref name="sourceStride"/>) to <paramref name="target"/>.</summary>
    private static void TransposeBlock(ReadOnlySpan<float> source, int sourceStride, Span<float> target, int targetStride)
    {
        ref var from = ref MemoryMarshal.GetReference(source);
        ref var to = ref MemoryMarshal.GetReference(target);
        var r0 = Vector256.LoadUnsafe(ref from);
        var r1 = Vector256.LoadUnsafe(ref from, (nuint)sourceStride);
        var r2 = Vector256.LoadUnsafe(ref from, (nuint)(2 * sourceStride));
        var r3 = Vector256.LoadUnsafe(ref from, (nuint)(3 * sourceStride));
        var r4 = Vector256.LoadUnsafe(ref from, (nuint)(4 * sourceStride));
        var r5 = Vector256.LoadUnsafe(ref from, (nuint)(5 * sourceStride));
        var r6 = Vector256.LoadUnsafe(ref from, (nuint)(6 * sourceStride));
        var r7 = Vector256.LoadUnsafe(ref from, (nuint)(7 * sourceStride));
        // Interleave pairs of rows, then pairs of pairs, then swap 128-bit halves.
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref to);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref to, (nuint)targetStride);
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref to, (nuint)(2 * targetStride));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref to, (nuint)(3 * targetStride));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref to, (nuint)(4 * targetStride));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref to, (nuint)(5 * targetStride));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref to, (nuint)(6 * targetStride));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref to, (nuint)(7 * targetStride));
    }

    /// <summary>Valid keys.</summary>
    public int Keys { get; private set; }

    /// <summary>Features per key.</summary>
    public int HeadSize { get; }

    /// <summary>Distance between features (keys, or the capacity, rounded up to 8).</summary>
    public int Stride { get; }

    /// <summary>The whole panel, [headSize, Stride].</summary>
    public ReadOnlySpan<float> Data => _data.AsSpan(0, Stride * HeadSize);

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        if (_data.Length > 0 && !_grows)
        {
            System.Buffers.ArrayPool<float>.Shared.Return(_data);
            _data = [];
        }
    }
}
