using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Sieve.Tools.Eval;

/// <summary>The result of <c>sieve eval lm-head</c>: the dense head's figures, then one row per Probe.</summary>
internal sealed record LmHeadReport(string Model, string HeadFile, int Vocabulary, int Clusters, int LargestCluster, string Machine, int Context, long Positions,
    double DensePerplexity, int Prompts, int NewTokens, IReadOnlyList<LmHeadProbeResult> Probes)
{
    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Model {Model}; head file {HeadFile}: {Clusters} clusters of at most {LargestCluster} of {Vocabulary} tokens");
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Held-out: {Positions:N0} positions in windows of {Context}; dense head perplexity {DensePerplexity:F2}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Greedy: {Prompts} held-out prompts, {NewTokens} new tokens each, clustered vs dense token by token");
        text.AppendLine();
        text.AppendLine("probe  scored/step (% of V)  top-1 agree  coverage  ppl (centroid fill)  ppl covered (dense)   greedy tokens  identical  prefix");
        foreach (var p in Probes)
        {
            var scored = Clusters + p.Candidates;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{p.Probe,5}  {scored,8:F0} ({100 * scored / Vocabulary,5:F1} %)  {100 * p.TopOneAgreement,9:F2} %  {100 * p.Coverage,6:F2} %  {p.Perplexity,19:F2}  {p.CoveredPerplexity,8:F2} ({p.DenseCoveredPerplexity,8:F2})  {100 * p.GreedyTokenAgreement,11:F2} %  {p.GreedyIdentical,4}/{Prompts,-4}  {p.GreedyPrefix,6:F1}");
        }
        text.AppendLine();
        text.AppendLine("scored/step: K centroid dot products + the kept clusters' tokens; the dense head scores all V.");
        return text.ToString();
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public string Json() => JsonSerializer.Serialize(this, Indented);
}
