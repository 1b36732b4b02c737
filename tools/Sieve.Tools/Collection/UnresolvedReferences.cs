namespace Sieve.Tools.Collection;

/// <summary>How many references ended with one <see cref="ReferenceOutcome"/>, and a few of them as "TOPIC: ref".</summary>
internal sealed record UnresolvedReferences(int Count, IReadOnlyList<string> Examples);
