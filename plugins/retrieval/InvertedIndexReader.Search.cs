using Sieve.Abstractions;

namespace Sieve.Plugins.Retrieval;

public sealed partial class InvertedIndexReader
{
    /// <summary>
    /// The exact top <paramref name="k"/> by dot product over the quantized impacts, best first; ties go to the lower
    /// document number (the order of <see cref="ISparseIndexWriter.Add"/>). MaxScore over windows of documents with
    /// block-max bounds (<see cref="WindowedMaxScore"/>); scores are summed in ascending term order, as
    /// <see cref="SearchExhaustive"/> sums them, so both return identical lists. Query terms outside the index or with weight 0 are ignored. Thread-safe.
    /// </summary>
    /// <exception cref="ArgumentException">A query weight is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is negative.</exception>
    public IReadOnlyList<SearchHit> Search(SparseVector query, int k) => Search(query, k, WindowedMaxScore.DefaultWindowSize);

    /// <summary><see cref="Search(SparseVector, int)"/> with windows of <paramref name="windowSize"/> documents (a multiple of 64).</summary>
    internal IReadOnlyList<SearchHit> Search(SparseVector query, int k, int windowSize)
    {
        var capacity = CheckQuery(query, k);
        using var lease = _file.Acquire();
        var cursors = Cursors(query);
        if (cursors.Length == 0 || capacity == 0)
        {
            return [];
        }
        var heap = new TopKHeap(capacity);
        WindowedMaxScore.Run(cursors, new Postings(lease.Span, _blocks), heap, windowSize);
        return Hits(lease.Span, heap.ToSortedArray());
    }

    /// <summary>
    /// The same result as <see cref="Search"/>, by scoring every matching document term-at-a-time with no pruning:
    /// the reference for tests and evaluations. Thread-safe.
    /// </summary>
    public IReadOnlyList<SearchHit> SearchExhaustive(SparseVector query, int k)
    {
        var capacity = CheckQuery(query, k);
        using var lease = _file.Acquire();
        var cursors = Cursors(query);
        if (cursors.Length == 0 || capacity == 0)
        {
            return [];
        }
        var postings = new Postings(lease.Span, _blocks);
        var scores = new float[DocumentCount];
        var matched = new bool[DocumentCount];
        var candidates = new List<(float Score, int Doc)>();
        for (var i = 0; i < cursors.Length; i++)
        {
            ref var cursor = ref cursors[i];
            for (cursor.Start(postings); cursor.Doc != PostingCursor.End; cursor.Next(postings))
            {
                scores[cursor.Doc] += cursor.Contribution(postings);
                matched[cursor.Doc] = true;
            }
        }
        for (var d = 0; d < DocumentCount; d++)
        {
            if (matched[d])
            {
                candidates.Add((scores[d], d));
            }
        }
        candidates.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Doc.CompareTo(b.Doc));
        return Hits(lease.Span, candidates.GetRange(0, Math.Min(capacity, candidates.Count)).ToArray());
    }

    /// <summary>
    /// Document-at-a-time MaxScore over lists sorted by bound, with two block-max refinements: a candidate whose
    /// block bounds over all lists cannot beat the threshold skips to the end of the shortest block range; and the
    /// non-essential lists are checked against their block bounds before being read.
    /// </summary>
    private int CheckQuery(SparseVector query, int k)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        foreach (var weight in query.Weights)
        {
            if (!float.IsFinite(weight))
            {
                throw new ArgumentException($"Query weights must be finite; got {weight}.", nameof(query));
            }
        }
        return Math.Min(k, DocumentCount);
    }

    /// <summary>One cursor per query term with postings and a non-zero weight, in ascending term order.</summary>
    private PostingCursor[] Cursors(SparseVector query)
    {
        var terms = query.Terms;
        var weights = query.Weights;
        var count = 0;
        for (var i = 0; i < terms.Length; i++)
        {
            count += Known(terms[i], weights[i]) ? 1 : 0;
        }
        var cursors = new PostingCursor[count];
        var c = 0;
        for (var i = 0; i < terms.Length; i++)
        {
            var t = terms[i];
            if (Known(t, weights[i]))
            {
                cursors[c++] = new PostingCursor(weights[i], _termScale[t], _termMaxImpact[t], _termFirstBlock[t], _termFrequency[t], _blockSize);
            }
        }
        return cursors;
    }

    private bool Known(int term, float weight) => (uint)term < (uint)_termFrequency.Length && _termFrequency[term] > 0 && weight != 0;

    private SearchHit[] Hits(ReadOnlySpan<byte> file, (float Score, int Doc)[] ranked)
    {
        var hits = new SearchHit[ranked.Length];
        for (var i = 0; i < ranked.Length; i++)
        {
            hits[i] = new SearchHit(DocumentId(file, ranked[i].Doc), ranked[i].Score);
        }
        return hits;
    }
}
