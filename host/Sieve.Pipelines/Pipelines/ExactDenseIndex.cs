using System.Numerics.Tensors;
using Sieve.Abstractions;

namespace Sieve.Host.Pipelines;

/// <summary>
/// Exact search over normalized dense vectors by dot product (= cosine): every row scored with SIMD, rows split
/// across cores for large corpora, top-k kept in a small heap. Immutable after construction; thread-safe.
/// </summary>
internal sealed class ExactDenseIndex
{
    private const int RowsPerTask = 4096;
    private readonly IReadOnlyList<string> _ids;
    private readonly float[] _matrix;

    public ExactDenseIndex(IReadOnlyList<string> ids, float[] matrix, int dimensions)
    {
        if (matrix.Length != ids.Count * dimensions)
        {
            throw new ArgumentException($"{ids.Count} ids × {dimensions} dimensions ≠ {matrix.Length} values.", nameof(matrix));
        }
        _ids = ids;
        _matrix = matrix;
        Dimensions = dimensions;
    }

    public int Dimensions { get; }

    public int Count => _ids.Count;

    /// <summary>The <paramref name="k"/> rows with the highest dot product with <paramref name="query"/>, best first.</summary>
    public SearchHit[] Search(ReadOnlySpan<float> query, int k)
    {
        if (query.Length != Dimensions)
        {
            throw new ArgumentException($"Query has {query.Length} dimensions, the index {Dimensions}.", nameof(query));
        }
        var scores = new float[Count];
        var q = query.ToArray();
        if (Count <= RowsPerTask)
        {
            Score(q, 0, Count, scores);
        }
        else
        {
            Parallel.For(0, (Count + RowsPerTask - 1) / RowsPerTask, chunk =>
                Score(q, chunk * RowsPerTask, Math.Min(Count, (chunk + 1) * RowsPerTask), scores));
        }
        return TopK(scores, Math.Min(k, Count));
    }

    private void Score(float[] query, int from, int to, float[] scores)
    {
        for (var row = from; row < to; row++)
        {
            scores[row] = TensorPrimitives.Dot(query, _matrix.AsSpan(row * Dimensions, Dimensions));
        }
    }

    private SearchHit[] TopK(float[] scores, int k)
    {
        // Min-heap of the best k (score, then lower row first on ties).
        var heap = new PriorityQueue<int, (float Score, int NegRow)>(k + 1);
        for (var row = 0; row < scores.Length; row++)
        {
            heap.Enqueue(row, (scores[row], -row));
            if (heap.Count > k)
            {
                heap.Dequeue();
            }
        }
        var hits = new SearchHit[heap.Count];
        for (var i = hits.Length - 1; i >= 0; i--)
        {
            var row = heap.Dequeue();
            hits[i] = new SearchHit(_ids[row], scores[row]);
        }
        return hits;
    }
}
