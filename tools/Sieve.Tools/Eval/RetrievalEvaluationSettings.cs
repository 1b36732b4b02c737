namespace Sieve.Tools.Eval;

/// <summary>What <c>sieve eval retrieval</c> runs: the collection, the encoder model, the lexical head and its options.</summary>
internal sealed record RetrievalEvaluationSettings(
    RetrievalData Data,
    string Model,
    string Head,
    IReadOnlyDictionary<string, string> HeadOptions,
    IReadOnlyList<int>? QueryTerms = null,
    int K = 100)
{
    /// <summary>Query cuts to measure beside the whole queries (each its own row, <c>sparse-qN</c>).</summary>
    public IReadOnlyList<int> QueryTerms { get; init; } = QueryTerms ?? [];
}
