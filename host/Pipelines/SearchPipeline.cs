using System.Globalization;
using System.Text;
using System.Text.Json;
using Sieve.Host.Jobs;
using Sieve.Host.Onnx;
using Sieve.Host.Text;

namespace Sieve.Host.Pipelines;

/// <summary>
/// <c>search</c>: <c>{"id", "text"}</c> queries → <c>{"id", "hits": [{"doc", "score"}]}</c>, by exact cosine search over
/// an <c>embed</c> job's output. Optionally prints the top hits of each query, with the documents' text.
/// </summary>
internal sealed class SearchPipeline : IJobPipeline
{
    private readonly SentenceEmbeddingModel _model;
    private readonly BertTextEncoder _encoder;
    private readonly ExactDenseIndex _index;
    private readonly int _topK;
    private readonly int _printHits;
    private readonly IReadOnlyDictionary<string, string> _documentText;
    private readonly SortedDictionary<long, string> _printed = [];

    public SearchPipeline(SentenceEmbeddingModel model, BertTextEncoder encoder, ExactDenseIndex index, int topK, int printHits,
        IReadOnlyDictionary<string, string> documentText, string operatorSummary)
    {
        _model = model;
        _encoder = encoder;
        _index = index;
        _topK = topK;
        _printHits = printHits;
        _documentText = documentText;
        OperatorSummary = operatorSummary;
    }

    public string OperatorSummary { get; }

    public string? Epilogue => _printed.Count == 0 ? null : string.Concat(_printed.Values);

    public PreparedRecord Prepare(InputRecord record)
    {
        var text = record.RequireString("text");
        var encoded = _encoder.Encode(text);
        var warning = encoded.Truncated ? $"query truncated from {encoded.OriginalLength} to {encoded.Ids.Length} tokens" : null;
        return new PreparedRecord(record, (text, encoded), encoded.Ids.Length, warning);
    }

    public void Process(IReadOnlyList<PreparedRecord> batch, JobOutput output)
    {
        var encoded = new EncodedText[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            encoded[i] = (((string, EncodedText))batch[i].Work).Item2;
        }
        var embeddings = _model.Embed(encoded);
        var results = new SearchHitsLine[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            results[i] = new SearchHitsLine(batch[i], _index.Search(embeddings[i], _topK));
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
        text.AppendLine(CultureInfo.InvariantCulture, $"Query {result.Query.Record.Id}: {((ValueTuple<string, EncodedText>)result.Query.Work).Item1}");
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

    public void Dispose() => _model.Dispose();

    private sealed record SearchHitsLine(PreparedRecord Query, Abstractions.SearchHit[] Hits);
}
