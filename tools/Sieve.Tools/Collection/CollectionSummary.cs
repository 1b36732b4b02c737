namespace Sieve.Tools.Collection;

/// <summary>
/// What a build produced and what it could not use; written as <c>summary.json</c>, the last file of a complete
/// collection. Immutable.
/// </summary>
internal sealed record CollectionSummary
{
    /// <summary>The format tag in <c>summary.json</c>.</summary>
    public const string FormatName = "sieve-retrieval-collection/1";

    public required string Corpus { get; init; }

    public required int Documents { get; init; }

    /// <summary>Verse slots of the included books left out because the module has no text there.</summary>
    public required int EmptyVerseSlots { get; init; }

    public required int Queries { get; init; }

    /// <summary>(query, verse) judgements in <c>qrels.tsv</c>, each counted once.</summary>
    public required int Qrels { get; init; }

    public required int TopicEntries { get; init; }

    /// <summary>Entries with no verse references (only "See …" pointers to other topics).</summary>
    public required int TopicsWithoutReferences { get; init; }

    /// <summary>Entries whose key repeats an earlier one (e.g. two SIN entries); merged into one query.</summary>
    public required int DuplicateTopicsMerged { get; init; }

    /// <summary>Topics with references of which none resolved: no query is written for them.</summary>
    public required int TopicsWithoutResolvedReferences { get; init; }

    public required int References { get; init; }

    public required int ReferencesResolved { get; init; }

    /// <summary>Unresolved references by <see cref="ReferenceOutcome"/> name, with up to a few examples each.</summary>
    public required IReadOnlyDictionary<string, UnresolvedReferences> Unresolved { get; init; }

    /// <summary>Verses named by resolved references that the module leaves empty (dropped from those judgements).</summary>
    public required int ReferencedVersesWithoutText { get; init; }

    /// <summary>Pairs counted twice or more inside one topic (the same verse listed under several sub-topics).</summary>
    public required int RepeatedPairs { get; init; }

    /// <summary>References left as plain text in the entries by the module's conversion (not used).</summary>
    public required int UnmarkedReferences { get; init; }

    public required IReadOnlyDictionary<string, string> Sources { get; init; }

    public required double BuildSeconds { get; init; }
}
