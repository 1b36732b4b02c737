using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Sieve.Tools.Eval;

/// <summary>The result of <c>sieve eval lm</c>, beside the figures the model's manifest claims.</summary>
internal sealed record LmReport(
    string Model,
    string Operators,
    string Machine,
    IReadOnlyList<PerplexityResult> Perplexity,
    IReadOnlyList<PasskeyCell> Passkey,
    IReadOnlyDictionary<int, double> ManifestPerplexity,
    double? ManifestPasskeyAccuracy)
{
    public double PasskeyAccuracy => Passkey.Sum(c => c.Count) == 0 ? 0 : (double)Passkey.Sum(c => c.Correct) / Passkey.Sum(c => c.Count);

    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Model {Model}; operators: {Operators}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine}");
        text.AppendLine();
        text.AppendLine("held-out perplexity   context  windows    tokens  perplexity  manifest");
        foreach (var p in Perplexity)
        {
            var claimed = ManifestPerplexity.TryGetValue(p.Context, out var value) ? value.ToString("F2", CultureInfo.InvariantCulture) : "-";
            text.AppendLine(CultureInfo.InvariantCulture, $"                      {p.Context,7}  {p.Windows,7}  {p.Tokens,8}  {p.Perplexity,10:F2}  {claimed,8}");
        }
        if (Passkey.Count > 0)
        {
            var depths = Passkey.Select(c => c.Depth).Distinct().Order().ToList();
            text.AppendLine();
            text.Append("pass key accuracy  length \\ depth %");
            foreach (var depth in depths)
            {
                text.Append(CultureInfo.InvariantCulture, $" {depth,5}");
            }
            text.AppendLine("   all");
            foreach (var row in Passkey.GroupBy(c => c.Length).OrderBy(g => g.Key))
            {
                text.Append(CultureInfo.InvariantCulture, $"                   {row.Key,16}");
                foreach (var depth in depths)
                {
                    var cell = row.FirstOrDefault(c => c.Depth == depth);
                    text.Append(cell is null ? "     -" : string.Create(CultureInfo.InvariantCulture, $" {cell.Accuracy,5:F2}"));
                }
                text.AppendLine(CultureInfo.InvariantCulture, $" {(double)row.Sum(c => c.Correct) / row.Sum(c => c.Count),5:F2}");
            }
            var claimed = ManifestPasskeyAccuracy is { } accuracy ? accuracy.ToString("F3", CultureInfo.InvariantCulture) : "-";
            text.AppendLine(CultureInfo.InvariantCulture, $"overall {PasskeyAccuracy:F3} over {Passkey.Sum(c => c.Count)} prompts (manifest, same cells: {claimed})");
        }
        return text.ToString();
    }

    public string Json() => JsonSerializer.Serialize(this, JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
