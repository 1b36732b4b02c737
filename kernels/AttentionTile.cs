using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sieve.Kernels;

/// <summary>
/// Attention for a block of query rows of one head over a list of key ranges, flash-attention style: keys are taken in
/// chunks of <see cref="ChunkKeys"/> (one chunk of the key panel and of the values stays in cache while every row of
/// the block uses it), scores come from a register-blocked micro-kernel (<see cref="Rows"/> rows × 16 keys), and the
/// softmax is computed online (running maximum and sum per row), so it is exact and numerically stable. The same code
/// serves dense attention (one range) and block-sparse attention (the selected blocks). Thread-safe (no state).
/// </summary>
public static class AttentionTile
{
    /// <summary>Query rows of the micro-kernel.</summary>
    public const int Rows = 4;

    /// <summary>Keys per chunk.</summary>
    public const int ChunkKeys = 256;

    /// <summary>Scratch floats <see cref="Compute"/> needs for a block of <paramref name="rows"/> rows.</summary>
    public static int ScratchLength(int rows) => Rows * ChunkKeys + 2 * rows;

    /// <summary>Computes <c>softmax(scale · q·Kᵀ) · V</c> for <paramref name="rows"/> query rows over <paramref name="ranges"/>.</summary>
    /// <param name="queries">[rows, headSize], row-major.</param>
    /// <param name="rows">Rows of the block.</param>
    /// <param name="keys">The key head, transposed.</param>
    /// <param name="values">The value head, [keys, headSize] row-major.</param>
    /// <param name="ranges">Key ranges every row of the block sees, ascending and disjoint, within the panel's keys.</param>
    /// <param name="rowLimits">Per row, keys at or after this position are masked (causal); <c>int.MaxValue</c> for none.</param>
    /// <param name="scale">Multiplier of the scores.</param>
    /// <param name="output">[rows, headSize], overwritten; rows that see no key get zeros.</param>
    /// <param name="scratch">At least <see cref="ScratchLength"/>(rows) floats.</param>
    public static void Compute(ReadOnlySpan<float> queries, int rows, HeadPanel keys, ReadOnlySpan<float> values, ReadOnlySpan<KeyRange> ranges,
        ReadOnlySpan<int> rowLimits, float scale, Span<float> output, Span<float> scratch)
    {
        var headSize = keys.HeadSize;
        var scores = scratch[..(Rows * ChunkKeys)];
        var maxima = scratch.Slice(Rows * ChunkKeys, rows);
        var sums = scratch.Slice(Rows * ChunkKeys + rows, rows);
        maxima.Fill(float.NegativeInfinity);
        sums.Clear();
        output[..(rows * headSize)].Clear();
        Span<KeyRange> chunk = stackalloc KeyRange[1];
        // The last tile of a block whose rows are not a multiple of Rows runs the full micro-kernel on zero-padded queries.
        Span<float> paddedQueries = rows % Rows == 0 ? default : stackalloc float[Rows * headSize];
        foreach (var range in ranges)
        {
            for (var start = range.Start; start < range.End; start += ChunkKeys)
            {
                chunk[0] = new KeyRange(start, Math.Min(range.End, start + ChunkKeys));
                var length = chunk[0].Length;
                for (var tile = 0; tile < rows; tile += Rows)
                {
                    var tileRows = Math.Min(Rows, rows - tile);
                    scoped var tileQueries = queries.Slice(tile * headSize, tileRows * headSize);
                    if (tileRows < Rows)
                    {
                        tileQueries.CopyTo(paddedQueries);
                        paddedQueries[tileQueries.Length..].Clear();
                        tileQueries = paddedQueries;
                    }
                    Scores(tileQueries, Rows, keys, chunk, scale, length, scores);
                    var tileScores = scores[..(tileRows * length)];
                    for (var r = 0; r < tileRows; r++)
                    {
                        MaskCausal(tileScores.Slice(r * length, length), chunk, rowLimits[tile + r]);
                    }
                    SoftmaxStep(tileScores, tileRows, length, maxima.Slice(tile, tileRows), sums.Slice(tile, tileRows), output.Slice(tile * headSize, tileRows * headSize), headSize);
                    Weighted(tileRows, values, headSize, chunk, length, tileScores, output.Slice(tile * headSize, tileRows * headSize));
                }
            }
        }
        for (var r = 0; r < rows; r++)
        {
            if (sums[r] > 0)
            {
                TensorPrimitives.Multiply(output.Slice(r * headSize, headSize), 1f / sums[r], output.Slice(r * headSize, headSize));
            }
        }
    }

    /// <summary>
    /// Online softmax step for the rows of one tile and one chunk: raises each row's running maximum if the chunk's is
    /// higher (rescaling its sum and accumulated output), then turns the scores into weights exp(score − maximum) and
    /// adds them to the row's sum in the same pass.
    /// </summary>
    private static void SoftmaxStep(Span<float> scores, int rows, int length, Span<float> maxima, Span<float> sums, Span<float> accumulated, int headSize)
    {
        for (var r = 0; r < rows; r++)
        {
            var row = scores.Slice(r * length, length);
            var chunkMaximum = Max(row);
            if (float.IsNegativeInfinity(chunkMaximum))
            {
                row.Clear(); // every key of the chunk is masked for this row
                continue;
            }
            if (chunkMaximum > maxima[r])
            {
                if (!float.IsNegativeInfinity(maxima[r]))
                {
                    var factor = MathF.Exp(maxima[r] - chunkMaximum);
                    sums[r] *= factor;
                    var rowOutput = accumulated.Slice(r * headSize, headSize);
                    TensorPrimitives.Multiply(rowOutput, factor, rowOutput);
                }
                maxima[r] = chunkMaximum;
            }
            sums[r] += FastExp.ExpShiftedSum(row, maxima[r]);
        }
    }

    private static float Max(ReadOnlySpan<float> row)
    {
        var i = 0;
        var maximum = float.NegativeInfinity;
        if (Vector256.IsHardwareAccelerated && row.Length >= 8)
        {
            ref var x = ref MemoryMarshal.GetReference(row);
            var vector = Vector256.Create(float.NegativeInfinity);
            for (; i + 8 <= row.Length; i += 8)
            {
                vector = Vector256.Max(vector, Vector256.LoadUnsafe(ref x, (nuint)i));
            }
            for (var lane = 0; lane < 8; lane++)
            {
                maximum = Math.Max(maximum, vector[lane]);
            }
        }
        for (; i < row.Length; i++)
        {
            maximum = Math.Max(maximum, row[i]);
        }
        return maximum;
    }

    /// <summary>
    /// Scaled scores of up to <see cref="Rows"/> query rows against the keys of <paramref name="ranges"/>, written row after
    /// row with a stride of <paramref name="total"/> (the ranges' total length).
    /// </summary>
    public static void Scores(ReadOnlySpan<float> queries, int rows, HeadPanel keys, ReadOnlySpan<KeyRange> ranges, float scale, int total, Span<float> scores)
    {
        var headSize = keys.HeadSize;
        var stride = keys.Stride;
        ref var panel = ref MemoryMarshal.GetReference(keys.Data);
        ref var q = ref MemoryMarshal.GetReference(queries);
        var position = 0;
        Span<float> lanes = stackalloc float[Rows * 8];
        foreach (var range in ranges)
        {
            var j = range.Start;
            if (Vector256.IsHardwareAccelerated && rows == Rows)
            {
                var scaleVector = Vector256.Create(scale);
                for (; j + 16 <= range.End; j += 16, position += 16)
                {
                    // 4 rows × 16 keys: eight independent accumulators hide the FMA latency.
                    Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
                    ref var k = ref Unsafe.Add(ref panel, j);
                    ref var q0 = ref q;
                    ref var q1 = ref Unsafe.Add(ref q, headSize);
                    ref var q2 = ref Unsafe.Add(ref q, 2 * headSize);
                    ref var q3 = ref Unsafe.Add(ref q, 3 * headSize);
                    for (var d = 0; d < headSize; d++)
                    {
                        var k0 = Vector256.LoadUnsafe(ref k);
                        var k1 = Vector256.LoadUnsafe(ref k, 8);
                        var x0 = Vector256.Create(Unsafe.Add(ref q0, d));
                        var x1 = Vector256.Create(Unsafe.Add(ref q1, d));
                        var x2 = Vector256.Create(Unsafe.Add(ref q2, d));
                        var x3 = Vector256.Create(Unsafe.Add(ref q3, d));
                        a0 = Vector256.FusedMultiplyAdd(x0, k0, a0);
                        b0 = Vector256.FusedMultiplyAdd(x0, k1, b0);
                        a1 = Vector256.FusedMultiplyAdd(x1, k0, a1);
                        b1 = Vector256.FusedMultiplyAdd(x1, k1, b1);
                        a2 = Vector256.FusedMultiplyAdd(x2, k0, a2);
                        b2 = Vector256.FusedMultiplyAdd(x2, k1, b2);
                        a3 = Vector256.FusedMultiplyAdd(x3, k0, a3);
                        b3 = Vector256.FusedMultiplyAdd(x3, k1, b3);
                        k = ref Unsafe.Add(ref k, stride);
                    }
                    (a0 * scaleVector).CopyTo(scores.Slice(position, 8));
                    (b0 * scaleVector).CopyTo(scores.Slice(position + 8, 8));
                    (a1 * scaleVector).CopyTo(scores.Slice(total + position, 8));
                    (b1 * scaleVector).CopyTo(scores.Slice(total + position + 8, 8));
                    (a2 * scaleVector).CopyTo(scores.Slice(2 * total + position, 8));
                    (b2 * scaleVector).CopyTo(scores.Slice(2 * total + position + 8, 8));
                    (a3 * scaleVector).CopyTo(scores.Slice(3 * total + position, 8));
                    (b3 * scaleVector).CopyTo(scores.Slice(3 * total + position + 8, 8));
                }
                for (; j + 8 <= range.End; j += 8, position += 8)
                {
                    Scores4x8(ref panel, stride, j, ref q, headSize, scaleVector, scores[position..], total);
                }
                if (j < range.End && j + 8 <= stride)
                {
                    // The last keys, fewer than 8: the panel is readable (zero-padded) to its stride, so compute a
                    // whole vector and keep the lanes that are keys of the range.
                    Scores4x8(ref panel, stride, j, ref q, headSize, scaleVector, lanes, 8);
                    var count = range.End - j;
                    for (var r = 0; r < Rows; r++)
                    {
                        lanes.Slice(r * 8, count).CopyTo(scores.Slice(r * total + position, count));
                    }
                    j += count;
                    position += count;
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

    /// <summary>Scaled scores of the 4 query rows at <paramref name="q"/> against keys j..j+7 of the panel, row r written at <paramref name="target"/>[r · <paramref name="targetStride"/>].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scores4x8(ref float panel, int stride, int j, ref float q, int headSize, Vector256<float> scale, Span<float> target, int targetStride)
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
        (a0 * scale).CopyTo(target[..8]);
        (a1 * scale).CopyTo(target.Slice(targetStride, 8));
        (a2 * scale).CopyTo(target.Slice(2 * targetStride, 8));
        (a3 * scale).CopyTo(target.Slice(3 * targetStride, 8));
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

    private static void Weighted(int rows, ReadOnlySpan<float> values, int headSize, ReadOnlySpan<KeyRange> ranges, int total,
        ReadOnlySpan<float> probabilities, Span<float> output)
    {
        var vectorWidth = Vector256.IsHardwareAccelerated && headSize % 8 == 0 ? headSize : 0;
        for (var r = 0; r < rows; r += 2)
        {
            var pair = Math.Min(2, rows - r);
            for (var d = 0; d < vectorWidth; d += 32)
            {
                WeightedPanel(values, headSize, d, Math.Min(4, (headSize - d) / 8), ranges, probabilities.Slice(r * total, total),
                    pair == 2 ? probabilities.Slice((r + 1) * total, total) : default, output[(r * headSize)..], pair == 2 ? output[((r + 1) * headSize)..] : default);
            }
            for (var d = vectorWidth; d < headSize; d++)
            {
                for (var rr = r; rr < r + pair; rr++)
                {
                    var sum = 0f;
                    var position = 0;
                    foreach (var range in ranges)
                    {
                        for (var j = range.Start; j < range.End; j++, position++)
                        {
                            sum += probabilities[rr * total + position] * values[j * headSize + d];
                        }
                    }
                    output[rr * headSize + d] += sum;
                }
            }
        }
    }

    /// <summary>
    /// Up to 32 output features (<paramref name="vectors"/> × 8) of one or two rows: for each key, the value row's slice
    /// is loaded once and accumulated into both rows with their probabilities (up to 8 accumulators).
    /// </summary>
    private static void WeightedPanel(ReadOnlySpan<float> values, int headSize, int feature, int vectors, ReadOnlySpan<KeyRange> ranges,
        ReadOnlySpan<float> first, ReadOnlySpan<float> second, Span<float> firstOutput, Span<float> secondOutput)
    {
        var two = !second.IsEmpty;
        if (two && vectors == 4)
        {
            WeightedPanelFull(values, headSize, feature, ranges, first, second, firstOutput, secondOutput);
            return;
        }
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        ref var v = ref MemoryMarshal.GetReference(values);
        var position = 0;
        foreach (var range in ranges)
        {
            for (var j = range.Start; j < range.End; j++, position++)
            {
                var p = Vector256.Create(first[position]);
                var q = two ? Vector256.Create(second[position]) : default;
                var offset = (nuint)(j * headSize + feature);
                var v0 = Vector256.LoadUnsafe(ref v, offset);
                a0 = Vector256.FusedMultiplyAdd(p, v0, a0);
                b0 = Vector256.FusedMultiplyAdd(q, v0, b0);
                if (vectors > 1)
                {
                    var v1 = Vector256.LoadUnsafe(ref v, offset + 8);
                    a1 = Vector256.FusedMultiplyAdd(p, v1, a1);
                    b1 = Vector256.FusedMultiplyAdd(q, v1, b1);
                }
                if (vectors > 2)
                {
                    var v2 = Vector256.LoadUnsafe(ref v, offset + 16);
                    a2 = Vector256.FusedMultiplyAdd(p, v2, a2);
                    b2 = Vector256.FusedMultiplyAdd(q, v2, b2);
                }
                if (vectors > 3)
                {
                    var v3 = Vector256.LoadUnsafe(ref v, offset + 24);
                    a3 = Vector256.FusedMultiplyAdd(p, v3, a3);
                    b3 = Vector256.FusedMultiplyAdd(q, v3, b3);
                }
            }
        }
        Vector256<float>[] firstSums = [a0, a1, a2, a3], secondSums = [b0, b1, b2, b3];
        for (var i = 0; i < vectors; i++)
        {
            var firstSlice = firstOutput.Slice(feature + 8 * i, 8);
            (Vector256.Create<float>(firstSlice) + firstSums[i]).CopyTo(firstSlice);
            if (two)
            {
                var secondSlice = secondOutput.Slice(feature + 8 * i, 8);
                (Vector256.Create<float>(secondSlice) + secondSums[i]).CopyTo(secondSlice);
            }
        }
    }

    /// <summary>The common case of <see cref="WeightedPanel"/>: two rows, 32 features, no branches in the key loop.</summary>
    private static void WeightedPanelFull(ReadOnlySpan<float> values, int headSize, int feature, ReadOnlySpan<KeyRange> ranges,
        ReadOnlySpan<float> first, ReadOnlySpan<float> second, Span<float> firstOutput, Span<float> secondOutput)
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        ref var v = ref MemoryMarshal.GetReference(values);
        ref var p = ref MemoryMarshal.GetReference(first);
        ref var q = ref MemoryMarshal.GetReference(second);
        nuint position = 0;
        foreach (var range in ranges)
        {
            ref var row = ref Unsafe.Add(ref v, range.Start * headSize + feature);
            for (var j = range.Start; j < range.End; j++, position++)
            {
                var pj = Vector256.Create(Unsafe.Add(ref p, position));
                var qj = Vector256.Create(Unsafe.Add(ref q, position));
                var v0 = Vector256.LoadUnsafe(ref row);
                var v1 = Vector256.LoadUnsafe(ref row, 8);
                var v2 = Vector256.LoadUnsafe(ref row, 16);
                var v3 = Vector256.LoadUnsafe(ref row, 24);
                a0 = Vector256.FusedMultiplyAdd(pj, v0, a0);
                b0 = Vector256.FusedMultiplyAdd(qj, v0, b0);
                a1 = Vector256.FusedMultiplyAdd(pj, v1, a1);
                b1 = Vector256.FusedMultiplyAdd(qj, v1, b1);
                a2 = Vector256.FusedMultiplyAdd(pj, v2, a2);
                b2 = Vector256.FusedMultiplyAdd(qj, v2, b2);
                a3 = Vector256.FusedMultiplyAdd(pj, v3, a3);
                b3 = Vector256.FusedMultiplyAdd(qj, v3, b3);
                row = ref Unsafe.Add(ref row, headSize);
            }
        }
        ref var x = ref MemoryMarshal.GetReference(firstOutput[feature..]);
        ref var y = ref MemoryMarshal.GetReference(secondOutput[feature..]);
        (Vector256.LoadUnsafe(ref x) + a0).StoreUnsafe(ref x);
        (Vector256.LoadUnsafe(ref x, 8) + a1).StoreUnsafe(ref x, 8);
        (Vector256.LoadUnsafe(ref x, 16) + a2).StoreUnsafe(ref x, 16);
        (Vector256.LoadUnsafe(ref x, 24) + a3).StoreUnsafe(ref x, 24);
        (Vector256.LoadUnsafe(ref y) + b0).StoreUnsafe(ref y);
        (Vector256.LoadUnsafe(ref y, 8) + b1).StoreUnsafe(ref y, 8);
        (Vector256.LoadUnsafe(ref y, 16) + b2).StoreUnsafe(ref y, 16);
        (Vector256.LoadUnsafe(ref y, 24) + b3).StoreUnsafe(ref y, 24);
    }
}
