namespace Sieve.Plugins.Retrieval;

/// <summary>
/// The best <c>capacity</c> documents seen so far, for documents offered in ascending order: a new document enters a
/// full heap only with a strictly higher score than the worst kept (on a tie the lower document number wins).
/// </summary>
internal sealed class TopKHeap(int capacity)
{
    private readonly float[] _scores = new float[capacity];
    private readonly int[] _docs = new int[capacity];

    public int Count { get; private set; }

    public bool IsFull => Count == capacity;

    /// <summary>The worst kept score; meaningful once <see cref="IsFull"/>.</summary>
    public float MinScore => _scores[0];

    public bool TryAdd(float score, int doc)
    {
        if (Count < capacity)
        {
            var i = Count++;
            while (i > 0)
            {
                var parent = (i - 1) / 2;
                if (!Worse(score, doc, _scores[parent], _docs[parent]))
                {
                    break;
                }
                _scores[i] = _scores[parent];
                _docs[i] = _docs[parent];
                i = parent;
            }
            _scores[i] = score;
            _docs[i] = doc;
            return true;
        }
        if (!(score > _scores[0]))
        {
            return false;
        }
        var at = 0;
        while (true)
        {
            var child = 2 * at + 1;
            if (child >= Count)
            {
                break;
            }
            if (child + 1 < Count && Worse(_scores[child + 1], _docs[child + 1], _scores[child], _docs[child]))
            {
                child++;
            }
            if (!Worse(_scores[child], _docs[child], score, doc))
            {
                break;
            }
            _scores[at] = _scores[child];
            _docs[at] = _docs[child];
            at = child;
        }
        _scores[at] = score;
        _docs[at] = doc;
        return true;
    }

    /// <summary>The kept documents, best first (score descending, then document number ascending).</summary>
    public (float Score, int Doc)[] ToSortedArray()
    {
        var result = new (float Score, int Doc)[Count];
        for (var i = 0; i < Count; i++)
        {
            result[i] = (_scores[i], _docs[i]);
        }
        Array.Sort(result, static (a, b) => Worse(a.Score, a.Doc, b.Score, b.Doc) ? 1 : Worse(b.Score, b.Doc, a.Score, a.Doc) ? -1 : 0);
        return result;
    }

    private static bool Worse(float score, int doc, float otherScore, int otherDoc) =>
        score < otherScore || (score == otherScore && doc > otherDoc);
}
