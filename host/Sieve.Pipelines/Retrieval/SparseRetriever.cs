using Sieve.Abstractions;
using Sieve.Host.Text;

namespace Sieve.Host.Retrieval;

/// <summary>Learned-sparse search: the lexical head's query vector against an inverted index of document vectors.</summary>
/// <param name="queryTerms">Keep only the query's heaviest terms (0: all the head gives): fewer posting lists to walk.</param>
internal sealed class SparseRetriever(LexicalTextModel model, BertTextEncoder encoder, ISparseIndexReader index, long indexBytes, string description,
    int queryTerms = 0) : IRetriever
{
    public string Description { get; } = description;

    public long IndexBytes { get; } = indexBytes;

    public string? Caveat => LexicalTextModel.Caveat;

    public SearchQuery[] Prepare(IReadOnlyList<string> texts) => FromVectors(model.Encode([.. texts.Select(encoder.Encode)]), queryTerms);

    /// <summary>Queries from vectors already computed, each cut to its <paramref name="terms"/> heaviest terms (0: all).</summary>
    public static SearchQuery[] FromVectors(IReadOnlyList<SparseVector> vectors, int terms) =>
    [
        .. vectors.Select(vector => vector.Count > 0
            ? new SearchQuery(Heaviest(vector, terms))
            : new SearchQuery(vector, "the lexical head gives no term any weight")),
    ];

    private static SparseVector Heaviest(SparseVector vector, int terms)
    {
        if (terms <= 0 || vector.Count <= terms)
        {
            return vector;
        }
        var kept = Enumerable.Range(0, vector.Count)
            .OrderByDescending(i => vector.Weights[i]).ThenBy(i => vector.Terms[i])
            .Take(terms).Order().ToArray();
        return new SparseVector([.. kept.Select(i => vector.Terms[i])], [.. kept.Select(i => vector.Weights[i])]);
    }

    public SearchHit[] Search(SearchQuery query, int k) => [.. index.Search((SparseVector)query.Representation, k)];

    public void Dispose()
    {
        index.Dispose();
        model.Dispose();
    }
}
