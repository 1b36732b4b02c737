using System.Runtime.CompilerServices;
using ILGPU;
using Sieve.Kernels.Gpu;

namespace Sieve.Plugins.Heads.Gpu;

/// <summary>
/// The host's term selection (<see cref="LexicalSelection.Select"/>) on the GPU, one group per sequence, so only the kept
/// terms come back instead of the [B, V] weights. Weights are never negative, so their order is the order of their
/// bits: a radix select (four passes over 8 bits, shared-memory histograms) finds the k-th largest weight above the
/// threshold; a stable compaction in term order then keeps every weight above it and the lowest-id ties at it. The
/// result equals the host's: the same terms, ascending.
/// </summary>
/// <remarks>Launch: grid (B, 1, 1), group <see cref="Threads"/>. The excluded terms of the weights are zeroed in place.</remarks>
public static class LexicalTopKKernel
{
    /// <summary>Threads per group.</summary>
    public const int Threads = 256;

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
        var histogram = SharedMemory.Allocate<int>(256);
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
        if (t == 0)
        {
            state[0] = 0;
        }
        Group.Barrier(); // exclusions written, counter cleared

        var local = 0;
        for (var v = t; v < p.Vocabulary; v += Threads)
        {
            local += Bits(weights[row + v]) > threshold ? 1 : 0;
        }
        Atomic.Add(ref state[0], local);
        Group.Barrier();
        var count = state[0];
        var keep = p.TopK == 0 ? count : IntrinsicMath.Min(count, p.TopK);

        // cutoff: keep bits > cutoff, plus the first `ties` weights whose bits equal it (term order).
        var cutoff = threshold;
        var ties = 0;
        if (keep < count)
        {
            uint prefix = 0;
            uint mask = 0;
            var remaining = keep;
            for (var shift = 24; shift >= 0; shift -= 8)
            {
                Group.Barrier(); // the previous pass is done with the histogram and the state
                histogram[t] = 0; // Threads == 256 bins
                Group.Barrier();
                for (var v = t; v < p.Vocabulary; v += Threads)
                {
                    var bits = Bits(weights[row + v]);
                    if (bits > threshold && (bits & mask) == prefix)
                    {
                        Atomic.Add(ref histogram[(int)((bits >> shift) & 255)], 1);
                    }
                }
                Group.Barrier();
                if (t == 0)
                {
                    var above = 0;
                    var digit = 255;
                    while (digit > 0 && above + histogram[digit] < remaining)
                    {
                        above += histogram[digit];
                        digit--;
                    }
                    state[1] = digit;
                    state[2] = remaining - above;
                }
                Group.Barrier();
                prefix |= (uint)state[1] << shift;
                mask |= 255u << shift;
                remaining = state[2];
            }
            cutoff = prefix;
            ties = remaining;
        }

        var written = 0;
        var tiesSeen = 0;
        var at = (long)b * p.Capacity;
        for (var first = 0; first < p.Vocabulary; first += Threads)
        {
            var v = first + t;
            var bits = v < p.Vocabulary ? Bits(weights[row + v]) : 0u;
            var greater = v < p.Vocabulary && bits > cutoff;
            var tie = ties > 0 && v < p.Vocabulary && bits == cutoff;
            var takesTie = false;
            if (ties > 0)
            {
                var tieRank = tiesSeen + ExclusiveSum(tie ? 1 : 0, warpTotals, out var tieCount);
                takesTie = tie && tieRank < ties;
                tiesSeen += tieCount;
            }
            var take = greater || takesTie;
            var index = written + ExclusiveSum(take ? 1 : 0, warpTotals, out var taken);
            if (take)
            {
                terms[at + index] = v;
                kept[at + index] = weights[row + v];
            }
            written += taken;
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
