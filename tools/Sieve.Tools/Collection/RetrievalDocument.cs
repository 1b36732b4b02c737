namespace Sieve.Tools.Collection;

/// <summary>One corpus document: a verse id such as <c>Gen.1.1</c> and its plain text.</summary>
internal sealed record RetrievalDocument(string Id, string Text);
