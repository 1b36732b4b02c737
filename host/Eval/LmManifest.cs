using System.Text.Json;

namespace Sieve.Host.Eval;

/// <summary>Reads what a model's <c>manifest.json</c> claims (held-out perplexity by context, pass-key accuracy).</summary>
internal static class LmManifest
{
    public static (Dictionary<int, double> Perplexity, double? PasskeyAccuracy) Claims(string path)
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
        double? passkey = eval.TryGetProperty("passkey", out var pass) && pass.TryGetProperty("accuracy", out var accuracy) ? accuracy.GetDouble() : null;
        return (perplexity, passkey);
    }
}
