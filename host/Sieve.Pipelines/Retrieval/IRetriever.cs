using Sieve.Abstractions;

namespace Sieve.Host.Retrieval;

/// <summary>
/// One retrieval system as the <c>search</c> pipeline and <c>sieve eval retrieval</c> see it: query texts turned into
/// the system's representation (models run here), then searched. Searching is thread-safe; preparing is not.
/// </summary>
internal interface IRetriever : IDisposable
{
    /// <summary>What it is, e.g. <c>sparse (lexical-head/fused, sparse-index/inverted)</c>.</summary>
    string Description { get; }

    /// <summary>What a reader of its hits must know (e.g. an untrained model), in one line; null if nothing.</summary>
    string? Caveat => null;

    /// <summary>Bytes the searched index takes.</summary>
    long IndexBytes { get; }

    /// <summary>Turns query texts into queries; one per text, in order.</summary>
    SearchQuery[] Prepare(IReadOnlyList<string> texts);

    /// <summary>The best <paramref name="k"/> documents, best first.</summary>
    SearchHit[] Search(SearchQuery query, int k);
}
