using Sieve.Abstractions;

namespace Sieve.Host.Retrieval;

/// <summary>BM25 over the documents' text with Lucene.Net (the lexical peer).</summary>
internal sealed class Bm25Retriever(Bm25Index index) : IRetriever
{
    public string Description => "bm25 (Lucene.Net 4.8, EnglishAnalyzer, k1 1.2, b 0.75)";

    public long IndexBytes => index.SizeInBytes;

    public SearchQuery[] Prepare(IReadOnlyList<string> texts) =>
    [
        .. texts.Select(text => index.Analyze(text) is { Count: > 0 } terms
            ? new SearchQuery(terms)
            : new SearchQuery(Array.Empty<string>(), "no searchable term is left after analysis (only stop words or punctuation)")),
    ];

    public SearchHit[] Search(SearchQuery query, int k) => index.Search((IReadOnlyList<string>)query.Representation, k);

    public void Dispose() => index.Dispose();
}
