namespace Sieve.Tools.Collection;

internal static partial class NaveWebCollection
{
    private sealed record Judgements(
        List<RetrievalQuery> Queries,
        List<(string Query, string Document)> Qrels,
        int Entries,
        int WithoutReferences,
        int Duplicates,
        int WithoutResolved,
        int References,
        int Resolved,
        Dictionary<string, UnresolvedReferences> Unresolved,
        int VersesWithoutText,
        int RepeatedPairs,
        int Unmarked);

    /// <summary>
    /// Expands every topic's references into judged verses. Entries sharing a key (Nave has two SIN and two
    /// REVERENCE entries) become one query with the union of their verses: two queries with the same text and
    /// different judgements would be unanswerable.
    /// </summary>
    private static Judgements Judge(List<ZldEntry> entries, VerseExpander expander, Dictionary<string, int> documentOrder)
    {
        var topics = new List<(string Key, string Name, List<string> References)>();
        var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
        int withoutReferences = 0, duplicates = 0, references = 0, unmarked = 0;
        foreach (var entry in entries)
        {
            var parsed = NaveEntry.Parse(entry);
            unmarked += parsed.UnmarkedReferences;
            references += parsed.References.Count;
            if (parsed.References.Count == 0)
            {
                withoutReferences++;
                continue;
            }
            if (byKey.TryGetValue(parsed.Key, out var earlier))
            {
                duplicates++;
                topics[earlier].References.AddRange(parsed.References);
                continue;
            }
            byKey.Add(parsed.Key, topics.Count);
            topics.Add((parsed.Key, parsed.Name, [.. parsed.References]));
        }

        var queries = new List<RetrievalQuery>(topics.Count);
        var qrels = new List<(string, string)>();
        var failures = new Dictionary<ReferenceOutcome, (int Count, List<string> Examples)>();
        int resolved = 0, withoutText = 0, repeated = 0, withoutResolved = 0;
        var verses = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var digits = Math.Max(4, topics.Count.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        foreach (var (key, name, topicReferences) in topics)
        {
            verses.Clear();
            foreach (var text in topicReferences)
            {
                var missing = 0;
                var outcome = OsisReference.TryParse(text, out var reference)
                    ? expander.Expand(reference, verses, out missing)
                    : ReferenceOutcome.Malformed;
                withoutText += outcome == ReferenceOutcome.Resolved ? missing : 0;
                if (outcome == ReferenceOutcome.Resolved)
                {
                    resolved++;
                    continue;
                }
                if (!failures.TryGetValue(outcome, out var failure))
                {
                    failure = (0, []);
                }
                if (failure.Examples.Count < ExamplesPerOutcome)
                {
                    failure.Examples.Add($"{key}: {text}");
                }
                failures[outcome] = (failure.Count + 1, failure.Examples);
            }
            seen.Clear();
            foreach (var verse in verses)
            {
                if (!seen.Add(verse))
                {
                    repeated++;
                }
            }
            if (seen.Count == 0)
            {
                withoutResolved++;
                continue;
            }
            var id = "nave-" + (queries.Count + 1).ToString("D" + digits, System.Globalization.CultureInfo.InvariantCulture);
            queries.Add(new RetrievalQuery(id, TopicName.Normalize(name), key));
            foreach (var verse in seen.OrderBy(v => documentOrder[v]))
            {
                qrels.Add((id, verse));
            }
        }
        var unresolved = failures.OrderBy(f => f.Key).ToDictionary(
            f => f.Key.ToString(), f => new UnresolvedReferences(f.Value.Count, f.Value.Examples), StringComparer.Ordinal);
        return new Judgements(queries, qrels, entries.Count, withoutReferences, duplicates, withoutResolved, references, resolved,
            unresolved, withoutText, repeated, unmarked);
    }
}
