namespace Sieve.Tools.Collection;

/// <summary>One query: its id (<c>nave-0001</c>), the text to search with, and the source key (<c>AARON</c>) if known.</summary>
internal sealed record RetrievalQuery(string Id, string Text, string? Key = null);
