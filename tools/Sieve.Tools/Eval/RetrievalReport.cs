using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Sieve.Tools.Eval;

/// <summary>The result of <c>sieve eval retrieval</c>: a table for people and JSON for machines.</summary>
internal sealed record RetrievalReport(
    string Collection,
    int Documents,
    int Queries,
    int Judgements,
    double EncoderSeconds,
    string Machine,
    IReadOnlyList<RetrievalSystemResult> Systems,
    IReadOnlyList<string> Notes)
{
    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Retrieval on {Collection}: {Documents:N0} documents, {Queries:N0} queries, {Judgements:N0} relevant pairs");
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine}");
        text.AppendLine();
        text.AppendLine("system     nDCG@10  Recall@100  MRR@10  search p50 ms  search p99 ms  query encode ms  index MB  build s  no terms");
        foreach (var s in Systems)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{s.System,-10} {s.Ndcg10,7:F3}  {s.Recall100,10:F3}  {s.Mrr10,6:F3}  {s.SearchP50Ms,13:F3}  {s.SearchP99Ms,13:F3}  {s.QueryEncodeMs,15:F3}  {s.IndexBytes / 1e6,8:F2}  {s.BuildSeconds,7:F1}  {s.Unanswerable,8}");
        }
        text.AppendLine();
        foreach (var s in Systems)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{s.System}: {s.Description}");
        }
        foreach (var note in Notes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Note: {note}");
        }
        return text.ToString();
    }

    public string Json() => JsonSerializer.Serialize(this, JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
