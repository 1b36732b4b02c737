using Sieve.Abstractions;
using Sieve.Host.Text;

namespace Sieve.Host.Retrieval;

/// <summary>Learned-sparse search: the lexical head's query vector against an inverted index of document vectors.</summary>
internal sealed class SparseRetriever(LexicalTextModel model, BertTextEncoder encoder, ISparseIndexReader index, long indexBytes, string description) : IRetriever
{
    public string Description { get; } = description;

    public long IndexBytes { get; } = indexBytes;

    public SearchQuery[] Prepare(IReadOnlyList<string> texts) => FromVectors(model.Encode([.. texts.Select(encoder.Encode)]));

    /// <summary>Queries from vectors already computed.</summary>
    public static SearchQuery[] FromVectors(IReadOnlyList<SparseVector> vectors) =>
    [
        .. vectors.Select(vector => vector.Count > 0
            ? new SearchQuery(vector)
            : new SearchQuery(vector, "the lexical head gives no term any weight")),
    ];

    public SearchHit[] Search(SearchQuery query, int k) => [.. index.Search((SparseVector)query.Representation, k)];

    public void Dispose()
    {
        index.Dispose();
        model.Dispose();
    }
}
