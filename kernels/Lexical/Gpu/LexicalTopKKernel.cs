using System.Runtime.CompilerServices;
using ILGPU;
using Sieve.Kernels.Gpu;

namespace Sieve.Kernels.Lexical.Gpu;

/// <summary>
/// The host's term selection (<see cref="LexicalSelection.Select"/>) on the GPU, one group per sequence, so only the kept
/// terms come back instead of the [B, V] weights. Weights are never negative, so their order is the order of their
/// bits: a radix select (three digits of 11, 10 and 10 bits, shared-memory histograms) finds the k-th largest weight
/// above the threshold; then each thread takes a contiguous run of terms and one prefix sum over the threads places
/// every weight above it and the lowest-id ties at it, in term order. The result equals the host's: the same terms,
/// ascending.
/// </summary>
/// <remarks>Launch: grid (B, 1, 1), group <see cref="Threads"/>. The excluded terms of the weights are zeroed in place.</remarks>
public static class LexicalTopKKernel
{
    /// <summary>Threads per group.</summary>
    public const int Threads = 256;

    /// <summary>Histogram bins of the first digit (11 bits); the other two digits have 10.</summary>
    private const int HistogramBins = 2048;

    /// <summary>The kernel.</summary>
    /// <param name="weights">[B, V], non-negative; excluded entries are zeroed.</param>
    /// <param name="excluded">Term ids that never get a weight (any length ≥ ExcludedCount; 1 entry when there are none).</param>
    /// <param name="counts">[B], written: the kept terms of each row.</param>
    /// <param name="terms">[B, Capacity], written up to the row's count: kept term ids, ascending.</param>
    /// <param name="kept">[B, Capacity], written up to the row's count: their weights.</param>
    /// <param name="p">The sizes and options.</param>
    [GpuKernel]
    public static void Run(ArrayView<float> weights, ArrayView<int> excluded, ArrayView<int> counts, ArrayView<int> terms, ArrayView<float> kept,
        LexicalTopKParameters p)
    {
        var histogram = SharedMemory.Allocate<int>(HistogramBins);
        var state = SharedMemory.Allocate<int>(4);
        var warpTotals = SharedMemory.Allocate<int>(Threads);
        var b = Grid.IdxX;
        var t = Group.IdxX;
        var row = (long)b * p.Vocabulary;
        for (var i = t; i < p.ExcludedCount; i += Threads)
        {
            weights[row + excluded[i]] = 0f;
        }
        var threshold = (uint)p.ThresholdBits;
        Group.Barrier(); // exclusions written

        // Each thread owns a contiguous run of terms, so that one prefix sum over threads orders the output by term.
        var span = (p.Vocabulary + Threads - 1) / Threads;
        var first = IntrinsicMath.Min(p.Vocabulary, t * span);
        var end = IntrinsicMath.Min(p.Vocabulary, first + span);
        var local = 0;
        for (var v = first; v < end; v++)
        {
            local += Bits(weights[row + v]) > threshold ? 1 : 0;
        }
        ExclusiveSum(local, warpTotals, out var count);
        var keep = p.TopK == 0 ? count : IntrinsicMath.Min(count, p.TopK);

        // cutoff: keep bits > cutoff, plus the first `ties` weights whose bits equal it (term order). The sign bit is
        // always 0; digits of 11, 10 and 10 bits spread even the first pass (exponent and 3 mantissa bits) over many bins.
        var cutoff = threshold;
        var ties = 0;
        if (keep < count)
        {
            uint prefix = 0;
            uint mask = 0;
            var remaining = keep;
            for (var pass = 0; pass < 3; pass++)
            {
                var shift = pass == 0 ? 20 : pass == 1 ? 10 : 0;
                var bins = pass == 0 ? HistogramBins : HistogramBins / 2;
                for (var i = t; i < HistogramBins; i += Threads)
                {
                    histogram[i] = 0;
                }
                Group.Barrier();
                for (var v = t; v < p.Vocabulary; v += Threads)
                {
                    var bits = Bits(weights[row + v]);
                    if (bits > threshold && (bits & mask) == prefix)
                    {
                        Atomic.Add(ref histogram[(int)((bits >> shift) & (uint)(bins - 1))], 1);
                    }
                }
                Group.Barrier();
                // Thread t owns `per` bins from the top down; the one whose bins hold the k-th weight walks them.
                var per = bins / Threads;
                var top = bins - 1 - t * per;
                var mine = 0;
                for (var d = top; d > top - per; d--)
                {
                    mine += histogram[d];
                }
                var above = ExclusiveSum(mine, warpTotals, out _);
                if (above < remaining && above + mine >= remaining)
                {
                    var digit = top;
                    while (above + histogram[digit] < remaining)
                    {
                        above += histogram[digit];
                        digit--;
                    }
                    state[0] = digit;
                    state[1] = remaining - above;
                }
                Group.Barrier();
                prefix |= (uint)state[0] << shift;
                mask |= (uint)(bins - 1) << shift;
                remaining = state[1];
                Group.Barrier(); // everyone has read the state and the histogram before the next pass
            }
            cutoff = prefix;
            ties = remaining;
        }

        var greater = 0;
        var equal = 0;
        for (var v = first; v < end; v++)
        {
            var bits = Bits(weights[row + v]);
            greater += bits > cutoff ? 1 : 0;
            equal += bits == cutoff ? 1 : 0;
        }
        var tiesTaken = 0;
        if (ties > 0)
        {
            var tiesBefore = ExclusiveSum(equal, warpTotals, out _);
            tiesTaken = IntrinsicMath.Clamp(ties - tiesBefore, 0, equal);
        }
        var index = ExclusiveSum(greater + tiesTaken, warpTotals, out var written);
        var at = (long)b * p.Capacity + index;
        for (var v = first; v < end; v++)
        {
            var weight = weights[row + v];
            var bits = Bits(weight);
            var take = bits > cutoff;
            if (!take && tiesTaken > 0 && bits == cutoff)
            {
                take = true;
                tiesTaken--;
            }
            if (take)
            {
                terms[at] = v;
                kept[at] = weight;
                at++;
            }
        }
        if (t == 0)
        {
            counts[b] = written;
        }
    }

    private static uint Bits(float weight) => Interop.FloatAsInt(weight);

    /// <summary>The group-wide exclusive prefix sum of <paramref name="value"/> (warp shuffles, then the warps' totals); every thread calls it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ExclusiveSum(int value, ArrayView<int> warpTotals, out int total)
    {
        var lane = Warp.LaneIdx;
        var size = Warp.WarpSize;
        var sum = value;
        for (var delta = 1; delta < size; delta <<= 1)
        {
            var other = Warp.ShuffleUp(sum, delta);
            sum += lane >= delta ? other : 0;
        }
        if (lane == size - 1)
        {
            warpTotals[Warp.WarpIdx] = sum;
        }
        Group.Barrier();
        var before = 0;
        total = 0;
        var warps = Group.DimX / size;
        for (var w = 0; w < warps; w++)
        {
            var warpTotal = warpTotals[w];
            before += w < Warp.WarpIdx ? warpTotal : 0;
            total += warpTotal;
        }
        Group.Barrier(); // everyone has read the totals before the next call writes them
        return before + sum - value;
    }
}
