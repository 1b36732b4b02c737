using System.Diagnostics;

namespace Sieve.Tools.Collection;

/// <summary>
/// Builds a retrieval test collection from two Debian SWORD packages: queries are the topics of Nave's Topical
/// Bible (<c>sword-dict-naves</c>), the corpus is the World English Bible's verses (<c>sword-text-web</c>), and a
/// verse is relevant to a topic when the topic lists it (ranges and whole chapters expanded).
/// Writes <c>corpus.jsonl</c> (<c>{"id":"Gen.1.1","text":"…"}</c>), <c>queries.jsonl</c>
/// (<c>{"id":"nave-0001","text":"Aaron","key":"AARON"}</c>), <c>qrels.tsv</c> (<c>query_id	doc_id	1</c>) and,
/// last, <c>summary.json</c>; <see cref="RetrievalCollection.Load"/> reads them back. Static and thread-safe;
/// concurrent builds into the same folder are not (the last to finish wins).
/// </summary>
internal static partial class NaveWebCollection
{
    private const int ExamplesPerOutcome = 5;

    /// <summary>Builds the collection into <paramref name="outputDirectory"/>, replacing an earlier collection there.</summary>
    /// <param name="log">Receives a short progress and summary report.</param>
    /// <exception cref="SieveException">A SWORD package is missing (the message says which to install), a module is
    /// damaged, or the folder cannot be written.</exception>
    public static CollectionSummary Build(string outputDirectory, NaveWebOptions options, TextWriter log)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var clock = Stopwatch.StartNew();

        var bible = SwordModule.Find(options.SwordPath, options.BibleModule, "zText", "the World English Bible");
        var topics = SwordModule.Find(options.SwordPath, options.TopicModule, "zLD", "Nave's Topical Bible");
        RequireData(bible, Path.Combine(bible.DataPath, "ot.bzv"), "sword-text-web");
        RequireData(topics, topics.DataPath + ".idx", "sword-dict-naves");

        var slots = ZTextReader.ReadAll(bible.DataPath);
        bool InCorpus(string book) => options.IncludeDeuterocanon || BibleBooks.IsCanon(book);
        var documents = new List<RetrievalDocument>(slots.Count);
        var emptySlots = 0;
        foreach (var slot in slots)
        {
            if (!InCorpus(slot.Book))
            {
                continue;
            }
            var text = OsisText.ToPlain(slot.Markup);
            if (text.Length == 0)
            {
                emptySlots++;
                continue;
            }
            documents.Add(new RetrievalDocument(slot.Id, text));
        }
        var documentOrder = new Dictionary<string, int>(documents.Count, StringComparer.Ordinal);
        foreach (var document in documents)
        {
            documentOrder.Add(document.Id, documentOrder.Count);
        }
        var expander = new VerseExpander(slots, documentOrder.Keys.ToHashSet(StringComparer.Ordinal), InCorpus);
        log.WriteLine($"{bible.Name}: {documents.Count:N0} verses with text ({(options.IncludeDeuterocanon ? "with deuterocanon" : "66-book canon")}), {emptySlots:N0} empty slots skipped.");

        var judged = Judge(ZldReader.ReadAll(topics.DataPath), expander, documentOrder);
        var summary = new CollectionSummary
        {
            Corpus = $"{bible.Name} {(options.IncludeDeuterocanon ? "with deuterocanon" : "66-book canon")}",
            Documents = documents.Count,
            EmptyVerseSlots = emptySlots,
            Queries = judged.Queries.Count,
            Qrels = judged.Qrels.Count,
            TopicEntries = judged.Entries,
            TopicsWithoutReferences = judged.WithoutReferences,
            DuplicateTopicsMerged = judged.Duplicates,
            TopicsWithoutResolvedReferences = judged.WithoutResolved,
            References = judged.References,
            ReferencesResolved = judged.Resolved,
            Unresolved = judged.Unresolved,
            ReferencedVersesWithoutText = judged.VersesWithoutText,
            RepeatedPairs = judged.RepeatedPairs,
            UnmarkedReferences = judged.Unmarked,
            Sources = Sources(bible, topics),
            BuildSeconds = 0,
        };
        CollectionDirectory.Publish(outputDirectory, folder =>
            WriteFiles(folder, documents, judged.Queries, judged.Qrels, summary with { BuildSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2) }));
        summary = summary with { BuildSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2) };
        Report(log, Path.GetFullPath(outputDirectory), summary);
        return summary;
    }

    private static void RequireData(SwordModule module, string file, string package)
    {
        if (!File.Exists(file))
        {
            throw new SieveException(
                $"SWORD module {module.Name} is configured but its data are missing ({file}). Reinstall the Debian package {package}: {SwordModule.InstallHint}.");
        }
    }

    private static Dictionary<string, string> Sources(SwordModule bible, SwordModule topics)
    {
        var sources = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["bibleModule"] = $"{bible.Name} {bible.Version} ({bible.Description})",
            ["topicModule"] = $"{topics.Name} {topics.Version} ({topics.Description})",
        };
        foreach (var (package, version) in DebianPackages.Versions("sword-text-web", "sword-dict-naves"))
        {
            sources[package] = version;
        }
        return sources;
    }

    private static void Report(TextWriter log, string directory, CollectionSummary summary)
    {
        log.WriteLine($"Nave: {summary.TopicEntries:N0} entries, {summary.TopicsWithoutReferences:N0} without verse references, "
            + $"{summary.DuplicateTopicsMerged:N0} duplicate keys merged, {summary.TopicsWithoutResolvedReferences:N0} with none resolved.");
        log.WriteLine($"References: {summary.References:N0}, resolved {summary.ReferencesResolved:N0}; "
            + $"{summary.ReferencedVersesWithoutText:N0} referenced verses have no WEB text; {summary.UnmarkedReferences:N0} unmarked references in entry text ignored.");
        foreach (var (outcome, unresolved) in summary.Unresolved)
        {
            log.WriteLine($"  unresolved, {outcome}: {unresolved.Count:N0} (e.g. {string.Join("; ", unresolved.Examples)})");
        }
        log.WriteLine($"Wrote {directory}: {summary.Documents:N0} documents, {summary.Queries:N0} queries, {summary.Qrels:N0} judgements in {summary.BuildSeconds:F1} s.");
    }
}
