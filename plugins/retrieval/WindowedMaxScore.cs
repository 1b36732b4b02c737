using System.Buffers;
using System.Numerics;

namespace Sieve.Plugins.Retrieval;

/// <summary>
/// Exact top-k by MaxScore over windows of documents (as Lucene's MaxScoreBulkScorer). For each window of
/// <see cref="DefaultWindowSize"/> documents, every list's bound is its largest block impact overlapping the window; lists
/// sorted by that bound whose bounds add up to at most the threshold are non-essential there. The essential lists
/// are read term-at-a-time into the window's accumulators; each document they reach is checked against the
/// non-essential bounds, then the non-essential lists are read, largest bound first, until the document either
/// cannot beat the threshold or is scored exactly: its contributions summed in ascending term order, as brute force
/// sums them. Bounds are compared with a rounding margin, so pruning never drops a document brute force would keep.
/// </summary>
internal static class WindowedMaxScore
{
    public const int DefaultWindowSize = 2048;

    // Rounding allowance of the bounds, per query term, relative to the sum of the terms' largest contributions:
    // 4 ulps a term, well above the (terms + 1) half-ulps that float products and summation can lose.
    private const double RoundingPerTerm = 1.0 / (1 << 22);

    /// <summary>Offers the documents that may enter <paramref name="heap"/> to it, in ascending order.</summary>
    /// <param name="lists">One cursor per query term, in ascending term order.</param>
    /// <param name="windowSize">Documents per window, a positive multiple of 64.</param>
    public static void Run(PostingCursor[] lists, in Postings postings, TopKHeap heap, int windowSize)
    {
        var n = lists.Length;
        double magnitude = 0;
        for (var i = 0; i < n; i++)
        {
            lists[i].Start(postings);
            magnitude += lists[i].AbsoluteBound;
        }
        var margin = (n + 2) * RoundingPerTerm * magnitude;
        var limit = double.NegativeInfinity;

        var order = new int[n];
        var bounds = new double[n];
        var prefix = new double[n];
        var contributions = new float[n];
        var stamps = new int[n];
        Array.Fill(stamps, -1);
        var accumulators = ArrayPool<double>.Shared.Rent(windowSize);
        var heads = ArrayPool<int>.Shared.Rent(windowSize);
        var matched = ArrayPool<ulong>.Shared.Rent(windowSize / 64);
        var entries = new ContributionList();
        try
        {
            Array.Clear(accumulators, 0, windowSize);
            Array.Clear(matched, 0, windowSize / 64);
            var first = NextWindow(lists, 0, postings.Blocks);
            while (first != PostingCursor.End)
            {
                var last = (int)Math.Min(PostingCursor.End - 1L, first + (long)windowSize - 1);
                // Lists by window bound, ascending; [0, essential) are non-essential in this window.
                for (var i = 0; i < n; i++)
                {
                    order[i] = i;
                    bounds[i] = lists[i].WindowBound(first, last, postings.Blocks);
                }
                Array.Sort(bounds, order, 0, n);
                var essential = 0;
                for (var i = 0; i < n; i++)
                {
                    prefix[i] = (i > 0 ? prefix[i - 1] : 0) + bounds[i];
                    essential += prefix[i] <= limit ? 1 : 0;
                }
                if (essential < n)
                {
                    Accumulate(lists, order, essential, first, last, accumulators, matched, heads, entries, postings);
                    ScoreWindow(lists, order, prefix, essential, first, windowSize, accumulators, matched, heads, entries, contributions, stamps,
                        ref limit, margin, heap, postings);
                }
                first = last == PostingCursor.End - 1 ? PostingCursor.End : NextWindow(lists, last + 1, postings.Blocks);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(accumulators);
            ArrayPool<int>.Shared.Return(heads);
            ArrayPool<ulong>.Shared.Return(matched);
        }
    }

    private static int NextWindow(PostingCursor[] lists, int from, BlockTable blocks)
    {
        var next = PostingCursor.End;
        for (var i = 0; i < lists.Length; i++)
        {
            next = Math.Min(next, lists[i].LowerBound(from, blocks));
        }
        return next;
    }

    /// <summary>Reads the essential lists' postings in the window into the accumulators and per-document chains.</summary>
    private static void Accumulate(PostingCursor[] lists, int[] order, int essential, int first, int last, double[] accumulators,
        ulong[] matched, int[] heads, ContributionList entries, in Postings postings)
    {
        entries.Clear();
        for (var r = essential; r < order.Length; r++)
        {
            var i = order[r];
            ref var list = ref lists[i];
            list.Seek(first, postings);
            while (list.Doc <= last)
            {
                var slot = list.Doc - first;
                var contribution = list.Contribution(postings);
                accumulators[slot] += contribution;
                var bit = 1UL << slot;
                if ((matched[slot >> 6] & bit) == 0)
                {
                    matched[slot >> 6] |= bit;
                    heads[slot] = -1;
                }
                heads[slot] = entries.Add(i, contribution, heads[slot]);
                list.Next(postings);
            }
        }
    }

    /// <summary>Checks each document the essential lists reached, in ascending order; clears the window's scratch.</summary>
    private static void ScoreWindow(PostingCursor[] lists, int[] order, double[] prefix, int essential, int first, int windowSize,
        double[] accumulators, ulong[] matched, int[] heads, ContributionList entries, float[] contributions, int[] stamps,
        ref double limit, double margin, TopKHeap heap, in Postings postings)
    {
        for (var word = 0; word < windowSize / 64; word++)
        {
            var bits = matched[word];
            matched[word] = 0;
            while (bits != 0)
            {
                var slot = word * 64 + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                var partial = accumulators[slot];
                accumulators[slot] = 0;
                var doc = first + slot;
                if (!NonEssentialMayEnter(lists, order, prefix, essential, doc, partial, limit, contributions, stamps, postings))
                {
                    continue;
                }
                for (var e = heads[slot]; e >= 0; e = entries.Next(e))
                {
                    contributions[entries.List(e)] = entries.Value(e);
                    stamps[entries.List(e)] = doc;
                }
                // The exact score: lists are in ascending term order.
                var score = 0f;
                for (var i = 0; i < lists.Length; i++)
                {
                    if (stamps[i] == doc)
                    {
                        score += contributions[i];
                    }
                }
                if (heap.TryAdd(score, doc) && heap.IsFull)
                {
                    limit = heap.MinScore - margin;
                }
            }
        }
    }

    /// <summary>
    /// False when <paramref name="doc"/> provably scores at most the threshold: its essential contributions
    /// (<paramref name="partial"/>) plus the non-essential bounds, replaced one by one (largest first) by the lists'
    /// actual contributions, stay within <paramref name="limit"/>. Records each contribution it reads.
    /// </summary>
    private static bool NonEssentialMayEnter(PostingCursor[] lists, int[] order, double[] prefix, int essential, int doc, double partial,
        double limit, float[] contributions, int[] stamps, in Postings postings)
    {
        for (var r = essential - 1; r >= 0; r--)
        {
            if (partial + prefix[r] <= limit)
            {
                return false;
            }
            var i = order[r];
            ref var list = ref lists[i];
            // The list's block bound at the document: tighter than its window bound, and cheaper than a seek.
            if (partial + list.BoundAt(doc, postings) + (r > 0 ? prefix[r - 1] : 0) <= limit)
            {
                return false;
            }
            list.Seek(doc, postings);
            if (list.Doc == doc)
            {
                contributions[i] = list.Contribution(postings);
                stamps[i] = doc;
                partial += contributions[i];
            }
        }
        return partial > limit;
    }
}
