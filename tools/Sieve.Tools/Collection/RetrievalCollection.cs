using System.Globalization;
using System.Text.Json;

namespace Sieve.Tools.Collection;

/// <summary>
/// A retrieval test collection read back from a folder that <see cref="NaveWebCollection.Build"/> (or anything
/// writing the same files) produced: queries, corpus and relevance judgements. Immutable after loading;
/// thread-safe for reads.
/// </summary>
internal sealed class RetrievalCollection
{
    public const string CorpusFile = "corpus.jsonl";
    public const string QueriesFile = "queries.jsonl";
    public const string QrelsFile = "qrels.tsv";

    private RetrievalCollection(IReadOnlyList<RetrievalQuery> queries, IReadOnlyList<RetrievalDocument> documents,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> qrels)
    {
        Queries = queries;
        Documents = documents;
        Qrels = qrels;
    }

    /// <summary>Queries in file order.</summary>
    public IReadOnlyList<RetrievalQuery> Queries { get; }

    /// <summary>Documents in file order (canonical verse order for the Nave/WEB collection).</summary>
    public IReadOnlyList<RetrievalDocument> Documents { get; }

    /// <summary>Query id → (document id → relevance grade). Queries without judgements are absent.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Qrels { get; }

    /// <summary>Reads a collection folder.</summary>
    /// <exception cref="SieveException">The folder is missing or incomplete (no <c>summary.json</c>: a build did not
    /// finish), or a record is bad; the message names the file and line (bad JSON, missing id or text, duplicate id,
    /// judgement for an unknown query or document, bad grade, repeated pair).</exception>
    public static RetrievalCollection Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new SieveException($"Retrieval collection folder not found: {directory}.");
        }
        if (!File.Exists(Path.Combine(directory, CollectionDirectory.SummaryFile)))
        {
            throw new SieveException(
                $"{directory} is not a complete retrieval collection: {CollectionDirectory.SummaryFile} is missing (a build may not have finished).");
        }
        var queries = ReadRecords(Path.Combine(directory, QueriesFile), (id, text, key) => new RetrievalQuery(id, text, key));
        var documents = ReadRecords(Path.Combine(directory, CorpusFile), (id, text, _) => new RetrievalDocument(id, text));
        var qrels = ReadQrels(Path.Combine(directory, QrelsFile), queries.Select(q => q.Id).ToHashSet(StringComparer.Ordinal),
            documents.Select(d => d.Id).ToHashSet(StringComparer.Ordinal));
        return new RetrievalCollection(queries, documents, qrels);
    }

    private static List<T> ReadRecords<T>(string path, Func<string, string, string?, T> create)
    {
        var records = new List<T>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            string id, text;
            string? key;
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new SieveException($"{path}, line {lineNumber}: expected a JSON object {{\"id\", \"text\"}}, got {root.ValueKind}.");
                }
                id = RequiredString(root, "id", path, lineNumber);
                text = RequiredString(root, "text", path, lineNumber);
                key = root.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
            }
            catch (JsonException error)
            {
                throw new SieveException($"{path}, line {lineNumber}: malformed JSON ({error.Message}).", error);
            }
            if (!ids.TryAdd(id, lineNumber))
            {
                throw new SieveException($"{path}, line {lineNumber}: duplicate id \"{id}\" (first on line {ids[id]}).");
            }
            records.Add(create(id, text, key));
        }
        return records;
    }

    private static string RequiredString(JsonElement root, string name, string path, int lineNumber)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || value.GetString()!.Length == 0)
        {
            throw new SieveException($"{path}, line {lineNumber}: the record has no \"{name}\" (a non-empty string).");
        }
        return value.GetString()!;
    }

    private static Dictionary<string, IReadOnlyDictionary<string, int>> ReadQrels(string path, HashSet<string> queries, HashSet<string> documents)
    {
        var qrels = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var fields = line.Split('\t');
            if (fields.Length != 3)
            {
                throw new SieveException($"{path}, line {lineNumber}: expected query_id<TAB>doc_id<TAB>grade, got {fields.Length} field(s).");
            }
            var (query, document) = (fields[0], fields[1]);
            if (!int.TryParse(fields[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var grade))
            {
                throw new SieveException($"{path}, line {lineNumber}: grade \"{fields[2]}\" is not an integer.");
            }
            if (!queries.Contains(query))
            {
                throw new SieveException($"{path}, line {lineNumber}: query \"{query}\" is not in {QueriesFile}.");
            }
            if (!documents.Contains(document))
            {
                throw new SieveException($"{path}, line {lineNumber}: document \"{document}\" is not in {CorpusFile}.");
            }
            if (!qrels.TryGetValue(query, out var judged))
            {
                qrels[query] = judged = new Dictionary<string, int>(StringComparer.Ordinal);
            }
            if (!judged.TryAdd(document, grade))
            {
                throw new SieveException($"{path}, line {lineNumber}: pair ({query}, {document}) is judged twice.");
            }
        }
        return qrels.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, int>)p.Value, StringComparer.Ordinal);
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        if (!File.Exists(path))
        {
            throw new SieveException($"Retrieval collection file not found: {path}.");
        }
        return File.ReadLines(path);
    }
}
