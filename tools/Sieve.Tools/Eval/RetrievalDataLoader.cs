using Sieve.Tools.Collection;

namespace Sieve.Tools.Eval;

/// <summary>Brings the Nave/WEB collection into memory for an evaluation, building it first if the folder has none.</summary>
internal static class RetrievalDataLoader
{
    /// <param name="directory">The collection folder; built from the Debian packages when it holds no finished collection.</param>
    /// <param name="documents">Keep only the first N documents (0: all), and the judgements into them.</param>
    /// <param name="queries">Keep only the first N queries that still have a relevant document (0: all).</param>
    public static RetrievalData Load(string directory, int documents, int queries, TextWriter log)
    {
        if (!File.Exists(Path.Combine(directory, "summary.json")))
        {
            log.WriteLine($"Building the Nave/WEB test collection in {directory} ...");
            NaveWebCollection.Build(directory, new NaveWebOptions(), log);
        }
        var collection = RetrievalCollection.Load(directory);
        var corpus = collection.Documents.Take(documents > 0 ? documents : int.MaxValue).Select(d => (d.Id, d.Text)).ToList();
        var kept = corpus.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var qrels = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        var chosen = new List<(string Id, string Text)>();
        foreach (var query in collection.Queries)
        {
            if (queries > 0 && chosen.Count == queries)
            {
                break;
            }
            if (!collection.Qrels.TryGetValue(query.Id, out var judged))
            {
                continue;
            }
            var relevant = judged.Where(j => j.Value > 0 && kept.Contains(j.Key)).Select(j => j.Key).ToHashSet(StringComparer.Ordinal);
            if (relevant.Count > 0)
            {
                qrels[query.Id] = relevant;
                chosen.Add((query.Id, query.Text));
            }
        }
        var name = documents > 0 || queries > 0 ? $"Nave/WEB (first {corpus.Count:N0} verses, {chosen.Count:N0} topics)" : "Nave/WEB";
        return new RetrievalData(name, corpus, chosen, qrels);
    }
}
