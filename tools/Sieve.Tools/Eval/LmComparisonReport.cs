using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Sieve.Tools.Eval;

/// <summary>
/// The summary of <c>sieve eval lm --attention … --selection …</c>: per configuration, the block density actually used
/// (forced blocks counted), held-out perplexity per context, pass-key accuracy per length and per depth band, and how
/// the selection compares with the oracle (recall of the oracle's score-picked blocks, share of the exact attention
/// mass kept, and the oracle's own share at the same budget), measured separately on the perplexity windows, the pass-key
/// prompts' prefill and the decode steps that write the answers.
/// </summary>
internal sealed record LmComparisonReport(string Model, string Options, string Machine, IReadOnlyList<LmConfigurationResult> Results)
{
    /// <summary>Depth bands (inclusive, in %) of the pass-key summary.</summary>
    public static IReadOnlyList<(int From, int To)> DepthBands { get; } = [(0, 0), (10, 30), (40, 60), (70, 80), (90, 100)];

    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Model {Model}; block-sparse options: {Options}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine}");
        var contexts = Results.SelectMany(r => r.Report.Perplexity.Select(p => p.Context)).Distinct().Order().ToList();
        var lengths = Results.SelectMany(r => r.Report.Passkey.Select(p => p.Length)).Distinct().Order().ToList();
        text.AppendLine();
        text.Append("configuration                ");
        foreach (var context in contexts)
        {
            text.Append(CultureInfo.InvariantCulture, $"  ppl@{context,-5}");
        }
        foreach (var length in lengths)
        {
            text.Append(CultureInfo.InvariantCulture, $"  key@{length,-5}");
        }
        text.AppendLine("  key all");
        foreach (var result in Results)
        {
            text.Append(CultureInfo.InvariantCulture, $"{result.Configuration,-29}");
            foreach (var context in contexts)
            {
                var p = result.Report.Perplexity.FirstOrDefault(x => x.Context == context);
                text.Append(p is null ? "          -" : string.Create(CultureInfo.InvariantCulture, $"  {p.Perplexity,9:F2}"));
            }
            foreach (var length in lengths)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {Accuracy(result.Report.Passkey.Where(c => c.Length == length)),9}");
            }
            text.AppendLine(CultureInfo.InvariantCulture, $"  {Accuracy(result.Report.Passkey),7}");
        }
        text.AppendLine();
        text.Append("pass key by depth band       length");
        foreach (var (from, to) in DepthBands)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {(from == to ? $"{from}%" : $"{from}-{to}%"),7}");
        }
        text.AppendLine();
        foreach (var result in Results)
        {
            foreach (var length in lengths)
            {
                text.Append(CultureInfo.InvariantCulture, $"{result.Configuration,-29}{length,6}");
                foreach (var (from, to) in DepthBands)
                {
                    text.Append(CultureInfo.InvariantCulture,
                        $"  {Accuracy(result.Report.Passkey.Where(c => c.Length == length && c.Depth >= from && c.Depth <= to)),7}");
                }
                text.AppendLine();
            }
        }
        text.AppendLine();
        text.AppendLine("block-sparse selection       part          density  recall  mass kept  oracle mass  selections  selection s");
        foreach (var result in Results.Where(r => r.Configuration.IsSparse))
        {
            foreach (var (part, figures) in new[]
                     {
                         ("perplexity", result.PerplexityFigures), ("key prefill", result.PasskeyPrefillFigures), ("key decode", result.PasskeyDecodeFigures),
                     })
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"{result.Configuration,-29}{part,-12}  {Figure(figures.Density),7}  {Figure(figures.Recall),6}  {Figure(figures.MassKept),9}  {Figure(figures.MassBest),11}  {figures.Selections,10}  {figures.SelectionSeconds,11:F2}");
            }
        }
        var sparse = Results.Where(r => r.Configuration.IsSparse && r.PasskeyDecodeByLayer.Count > 0).ToList();
        if (sparse.Count > 0)
        {
            var layers = sparse.SelectMany(r => r.PasskeyDecodeByLayer.Keys).Distinct().Order().ToList();
            text.AppendLine();
            text.Append("key decode by layer: recall / mass kept");
            foreach (var layer in layers)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {"layer " + layer,11}");
            }
            text.AppendLine();
            foreach (var result in sparse)
            {
                text.Append(CultureInfo.InvariantCulture, $"{result.Configuration,-39}");
                foreach (var layer in layers)
                {
                    var figures = result.PasskeyDecodeByLayer.GetValueOrDefault(layer);
                    text.Append(CultureInfo.InvariantCulture, $"  {Figure(figures?.Recall)}/{Figure(figures?.MassKept)}");
                }
                text.AppendLine();
            }
        }
        return text.ToString();
    }

    private static string Accuracy(IEnumerable<PasskeyCell> cells)
    {
        var list = cells.ToList();
        var count = list.Sum(c => c.Count);
        return count == 0 ? "-" : ((double)list.Sum(c => c.Correct) / count).ToString("F3", CultureInfo.InvariantCulture);
    }

    private static string Figure(double? value) => value is { } v ? v.ToString("F3", CultureInfo.InvariantCulture) : "-";

    public string Json() => JsonSerializer.Serialize(this, JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
