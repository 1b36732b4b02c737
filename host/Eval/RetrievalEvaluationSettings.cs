namespace Sieve.Host.Eval;

/// <summary>What <c>sieve eval retrieval</c> runs: the collection, the encoder model, the lexical head and its options.</summary>
internal sealed record RetrievalEvaluationSettings(
    RetrievalData Data,
    string Model,
    string Head,
    IReadOnlyDictionary<string, string> HeadOptions,
    int QueryTerms = 0,
    int K = 100);
