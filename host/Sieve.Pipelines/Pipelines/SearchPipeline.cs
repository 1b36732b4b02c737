using System.Globalization;
using System.Text;
using System.Text.Json;
using Sieve.Host.Jobs;
using Sieve.Host.Retrieval;

namespace Sieve.Host.Pipelines;

/// <summary>
/// <c>search</c>: <c>{"id", "text"}</c> queries → <c>{"id", "hits": [{"doc", "score"}]}</c> with one retriever: exact
/// dense search over an <c>embed</c> job's output, learned-sparse search over an <c>index</c> job's inverted index, or
/// BM25 (Lucene.Net) over the documents' text. Optionally prints the top hits of each query, with the documents' text.
/// </summary>
internal sealed class SearchPipeline : IJobPipeline
{
    private readonly IRetriever _retriever;
    private readonly int _topK;
    private readonly int _printHits;
    private readonly IReadOnlyDictionary<string, string> _documentText;
    private readonly SortedDictionary<long, string> _printed = [];

    public SearchPipeline(IRetriever retriever, int topK, int printHits, IReadOnlyDictionary<string, string> documentText, string operatorSummary)
    {
        _retriever = retriever;
        _topK = topK;
        _printHits = printHits;
        _documentText = documentText;
        OperatorSummary = operatorSummary;
    }

    public string OperatorSummary { get; }

    public string? Device => _retriever is Bm25Retriever ? "cpu" : null;

    public string? Epilogue => _printed.Count == 0 && _retriever.Caveat is null ? null
        : (_retriever.Caveat is { } caveat ? $"Note: {caveat}{Environment.NewLine}" : "") + string.Concat(_printed.Values);

    public PreparedRecord Prepare(InputRecord record)
    {
        var text = record.RequireString("text");
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new RecordException("empty query: \"text\" has nothing to search for");
        }
        return new PreparedRecord(record, text, text.Length, null);
    }

    public void Process(IReadOnlyList<PreparedRecord> batch, JobOutput output)
    {
        var queries = _retriever.Prepare([.. batch.Select(b => (string)b.Work)]);
        var results = new SearchHitsLine[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            if (queries[i].Problem is { } problem)
            {
                throw new RecordException($"query cannot be searched: {problem}");
            }
            results[i] = new SearchHitsLine(batch[i], _retriever.Search(queries[i], _topK));
        }
        foreach (var result in results)
        {
            output.Write(result.Query.Record.IdJson, writer =>
            {
                writer.WriteStartArray("hits");
                foreach (var hit in result.Hits)
                {
                    writer.WriteStartObject();
                    writer.WriteString("doc", hit.Id);
                    writer.WriteNumber("score", hit.Score);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                if (result.Hits.Length == 0)
                {
                    // A question the corpus cannot answer is an answer, not a bad record.
                    writer.WriteString("note", "no document shares a term with the query");
                }
            });
            if (_printHits > 0)
            {
                _printed[result.Query.Record.Line] = Describe(result);
            }
        }
    }

    private string Describe(SearchHitsLine result)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Query {result.Query.Record.Id}: {(string)result.Query.Work}");
        if (result.Hits.Length == 0)
        {
            text.AppendLine("  (no document shares a term with the query)");
        }
        foreach (var hit in result.Hits.Take(_printHits))
        {
            var document = _documentText.TryGetValue(hit.Id, out var docText) ? "  " + docText : "";
            text.AppendLine(CultureInfo.InvariantCulture, $"  {hit.Score:F3}  {hit.Id}{document}");
        }
        return text.ToString();
    }

    /// <summary>Reads <c>{"id", "text"}</c> lines for printing hits; lines without both are skipped.</summary>
    public static Dictionary<string, string> ReadDocumentText(string? path)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (path is null || !File.Exists(path))
        {
            return texts;
        }
        foreach (var line in JsonlInput.Read(path))
        {
            if (line.Record?.Body.TryGetProperty("text", out var text) == true && text.ValueKind == JsonValueKind.String)
            {
                texts.TryAdd(line.Record.Id, text.GetString()!);
            }
        }
        return texts;
    }

    public void Dispose() => _retriever.Dispose();

    private sealed record SearchHitsLine(PreparedRecord Query, Abstractions.SearchHit[] Hits);
}
