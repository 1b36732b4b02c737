namespace Sieve.Tools.Eval;

/// <summary>A test collection in memory: documents, queries, and each query's relevant document ids.</summary>
internal sealed record RetrievalData(
    string Name,
    IReadOnlyList<(string Id, string Text)> Corpus,
    IReadOnlyList<(string Id, string Text)> Queries,
    IReadOnlyDictionary<string, IReadOnlySet<string>> Qrels);
