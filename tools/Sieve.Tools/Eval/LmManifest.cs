using System.Globalization;
using System.Text.Json;

namespace Sieve.Tools.Eval;

/// <summary>Reads what a model's <c>manifest.json</c> claims (held-out perplexity by context, pass-key accuracy).</summary>
internal static class LmManifest
{
    /// <summary>
    /// The manifest's perplexity per context and its pass-key accuracy over the same (length, depth) cells as
    /// <paramref name="evaluated"/> (its own figure may include lengths beyond the context, which the host skips);
    /// null when the manifest lacks a cell.
    /// </summary>
    public static (Dictionary<int, double> Perplexity, double? PasskeyAccuracy) Claims(string path, IReadOnlyList<PasskeyCell> evaluated)
    {
        var perplexity = new Dictionary<int, double>();
        if (!File.Exists(path))
        {
            return (perplexity, null);
        }
        using var manifest = JsonDocument.Parse(File.ReadAllText(path));
        if (!manifest.RootElement.TryGetProperty("eval", out var eval))
        {
            return (perplexity, null);
        }
        if (eval.TryGetProperty("heldout_perplexity", out var entries))
        {
            foreach (var entry in entries.EnumerateArray())
            {
                perplexity[entry.GetProperty("context").GetInt32()] = entry.GetProperty("perplexity").GetDouble();
            }
        }
        if (!eval.TryGetProperty("passkey", out var passkey) || !passkey.TryGetProperty("by_length_at_depth", out var cells) || evaluated.Count == 0)
        {
            return (perplexity, null);
        }
        double correct = 0;
        foreach (var cell in evaluated)
        {
            if (!cells.TryGetProperty(string.Create(CultureInfo.InvariantCulture, $"{cell.Length}@{cell.Depth}"), out var accuracy))
            {
                return (perplexity, null);
            }
            correct += accuracy.GetDouble() * cell.Count;
        }
        return (perplexity, correct / evaluated.Sum(c => c.Count));
    }
}
