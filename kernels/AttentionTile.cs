using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sieve.Kernels;

/// <summary>
/// The attention micro-kernel: a tile of up to <see cref="Rows"/> query rows against a list of key ranges of one head,
/// with a numerically stable softmax. Scores are kept only for the keys in the ranges, so the same code serves dense
/// attention (one range) and block-sparse attention (the selected blocks). Each key panel load is shared by the tile's
/// rows (register blocking); a scalar path handles the tails. Thread-safe (no state).
/// </summary>
public static class AttentionTile
{
    /// <summary>Query rows per tile.</summary>
    public const int Rows = 4;

    /// <summary>Scratch floats <see cref="Compute"/> needs for ranges holding <paramref name="keys"/> keys in all.</summary>
    public static int ScratchLength(int keys) => Rows * keys;

    /// <summary>Computes <c>softmax(scale · q·Kᵀ) · V</c> for <paramref name="rows"/> query rows over <paramref name="ranges"/>.</summary>
    /// <param name="queries">[rows, headSize], row-major.</param>
    /// <param name="rows">1 to <see cref="Rows"/>.</param>
    /// <param name="keys">The key head, transposed.</param>
    /// <param name="values">The value head, transposed.</param>
    /// <param name="ranges">Key ranges every row of the tile sees, ascending and disjoint, within the panels' keys.</param>
    /// <param name="rowLimits">Per row, keys at or after this position are masked (causal); <c>int.MaxValue</c> for none.</param>
    /// <param name="scale">Multiplier of the scores.</param>
    /// <param name="output">[rows, headSize], overwritten.</param>
    /// <param name="scratch">At least <see cref="ScratchLength"/> of the ranges' total length.</param>
    public static void Compute(ReadOnlySpan<float> queries, int rows, HeadPanel keys, HeadPanel values, ReadOnlySpan<KeyRange> ranges,
        ReadOnlySpan<int> rowLimits, float scale, Span<float> output, Span<float> scratch)
    {
        var headSize = keys.HeadSize;
        var total = 0;
        foreach (var range in ranges)
        {
            total += range.Length;
        }
        var scores = scratch[..(Rows * total)];
        Scores(queries, rows, keys, ranges, scale, total, scores);
        for (var r = 0; r < rows; r++)
        {
            var row = scores.Slice(r * total, total);
            MaskCausal(row, ranges, rowLimits[r]);
            Softmax(row);
        }
        Weighted(rows, values, ranges, total, scores, output[..(rows * headSize)]);
    }

    private static void Scores(ReadOnlySpan<float> queries, int rows, HeadPanel keys, ReadOnlySpan<KeyRange> ranges, float scale, int total, Span<float> scores)
    {
        var headSize = keys.HeadSize;
        var stride = keys.Stride;
        ref var panel = ref MemoryMarshal.GetReference(keys.Data);
        ref var q = ref MemoryMarshal.GetReference(queries);
        var position = 0;
        foreach (var range in ranges)
        {
            var j = range.Start;
            if (Vector256.IsHardwareAccelerated && rows == Rows)
            {
                var scaleVector = Vector256.Create(scale);
                for (; j + 8 <= range.End; j += 8, position += 8)
                {
                    Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                    for (var d = 0; d < headSize; d++)
                    {
                        var k = Vector256.LoadUnsafe(ref panel, (nuint)(d * stride + j));
                        a0 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref q, d)), k, a0);
                        a1 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref q, headSize + d)), k, a1);
                        a2 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref q, 2 * headSize + d)), k, a2);
                        a3 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref q, 3 * headSize + d)), k, a3);
                    }
                    (a0 * scaleVector).CopyTo(scores.Slice(position, 8));
                    (a1 * scaleVector).CopyTo(scores.Slice(total + position, 8));
                    (a2 * scaleVector).CopyTo(scores.Slice(2 * total + position, 8));
                    (a3 * scaleVector).CopyTo(scores.Slice(3 * total + position, 8));
                }
            }
            for (; j < range.End; j++, position++)
            {
                for (var r = 0; r < rows; r++)
                {
                    var sum = 0f;
                    for (var d = 0; d < headSize; d++)
                    {
                        sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref q, r * headSize + d), Unsafe.Add(ref panel, d * stride + j), sum);
                    }
                    scores[r * total + position] = sum * scale;
                }
            }
        }
    }

    private static void MaskCausal(Span<float> row, ReadOnlySpan<KeyRange> ranges, int limit)
    {
        var position = 0;
        foreach (var range in ranges)
        {
            if (range.End > limit)
            {
                var from = Math.Max(range.Start, limit);
                row.Slice(position + from - range.Start, range.End - from).Fill(float.NegativeInfinity);
            }
            position += range.Length;
        }
    }

    private static void Softmax(Span<float> row)
    {
        if (row.IsEmpty)
        {
            return;
        }
        var max = TensorPrimitives.Max(row);
        if (float.IsNegativeInfinity(max))
        {
            row.Clear(); // every key masked: the row attends to nothing
            return;
        }
        TensorPrimitives.Subtract(row, max, row);
        TensorPrimitives.Exp(row, row);
        TensorPrimitives.Multiply(row, 1f / TensorPrimitives.Sum(row), row);
    }

    private static void Weighted(int rows, HeadPanel values, ReadOnlySpan<KeyRange> ranges, int total, ReadOnlySpan<float> probabilities, Span<float> output)
    {
        var headSize = values.HeadSize;
        output.Clear();
        var position = 0;
        foreach (var range in ranges)
        {
            for (var d = 0; d < headSize; d++)
            {
                var feature = values.Feature(d).Slice(range.Start, range.Length);
                if (rows == Rows)
                {
                    Dot4(feature, probabilities.Slice(position, range.Length), probabilities.Slice(total + position, range.Length),
                        probabilities.Slice(2 * total + position, range.Length), probabilities.Slice(3 * total + position, range.Length),
                        out var s0, out var s1, out var s2, out var s3);
                    output[d] += s0;
                    output[headSize + d] += s1;
                    output[2 * headSize + d] += s2;
                    output[3 * headSize + d] += s3;
                }
                else
                {
                    for (var r = 0; r < rows; r++)
                    {
                        output[r * headSize + d] += TensorPrimitives.Dot(feature, probabilities.Slice(r * total + position, range.Length));
                    }
                }
            }
            position += range.Length;
        }
    }

    /// <summary>Four dot products sharing the loads of <paramref name="v"/>.</summary>
    private static void Dot4(ReadOnlySpan<float> v, ReadOnlySpan<float> p0, ReadOnlySpan<float> p1, ReadOnlySpan<float> p2, ReadOnlySpan<float> p3,
        out float s0, out float s1, out float s2, out float s3)
    {
        var j = 0;
        s0 = s1 = s2 = s3 = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            ref var rv = ref MemoryMarshal.GetReference(v);
            ref var r0 = ref MemoryMarshal.GetReference(p0);
            ref var r1 = ref MemoryMarshal.GetReference(p1);
            ref var r2 = ref MemoryMarshal.GetReference(p2);
            ref var r3 = ref MemoryMarshal.GetReference(p3);
            for (; j + 8 <= v.Length; j += 8)
            {
                var x = Vector256.LoadUnsafe(ref rv, (nuint)j);
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r0, (nuint)j), x, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r1, (nuint)j), x, a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r2, (nuint)j), x, a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref r3, (nuint)j), x, a3);
            }
            s0 = Vector256.Sum(a0);
            s1 = Vector256.Sum(a1);
            s2 = Vector256.Sum(a2);
            s3 = Vector256.Sum(a3);
        }
        for (; j < v.Length; j++)
        {
            s0 += p0[j] * v[j];
            s1 += p1[j] * v[j];
            s2 += p2[j] * v[j];
            s3 += p3[j] * v[j];
        }
    }
}
