namespace Sieve.Host.Retrieval;

/// <summary>A query in one retriever's representation, or why it cannot be searched.</summary>
/// <param name="Representation">A dense vector, a sparse vector or analyzed terms, as the retriever needs.</param>
/// <param name="Problem">Set when the query has nothing to search with (e.g. no term the model knows).</param>
internal sealed record SearchQuery(object Representation, string? Problem = null);
