using Sieve.Abstractions;
using Sieve.Host.Onnx;
using Sieve.Host.Pipelines;
using Sieve.Host.Text;

namespace Sieve.Host.Retrieval;

/// <summary>Exact dense search: the encoder's mean-pooled, normalized embedding against every document's (cosine).</summary>
internal sealed class DenseRetriever(SentenceEmbeddingModel model, BertTextEncoder encoder, ExactDenseIndex index) : IRetriever
{
    public string Description => $"dense (exact cosine, {index.Dimensions}-d)";

    public long IndexBytes => (long)index.Count * index.Dimensions * sizeof(float);

    public SearchQuery[] Prepare(IReadOnlyList<string> texts)
    {
        var encoded = texts.Select(encoder.Encode).ToList();
        return [.. model.Embed(encoded).Select(vector => new SearchQuery(vector))];
    }

    public SearchHit[] Search(SearchQuery query, int k) => index.Search((float[])query.Representation, k);

    public void Dispose() => model.Dispose();
}
