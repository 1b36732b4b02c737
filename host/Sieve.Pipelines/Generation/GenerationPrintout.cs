using System.Globalization;
using System.Text;

namespace Sieve.Host.Generation;

/// <summary>
/// What the <c>generate</c> job prints of its first records: each prompt and its continuation, cut to their first line
/// and a terminal's width, so that a run shows what the model wrote and not only its token rates.
/// </summary>
internal static class GenerationPrintout
{
    public const int PromptChars = 100;
    public const int ContinuationChars = 160;

    /// <summary>Two lines: <c>id: prompt</c> and <c>  → continuation [finish reason]</c>.</summary>
    public static string Describe(string id, string prompt, string continuation, string finishReason)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Prompt {id}: {FirstLine(prompt, PromptChars)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  → {FirstLine(continuation, ContinuationChars)} [{finishReason}]");
        return text.ToString();
    }

    /// <summary>The first non-empty line, cut at a word boundary to <paramref name="maxChars"/>, with "…" where anything was left out.</summary>
    public static string FirstLine(string text, int maxChars)
    {
        var trimmed = text.TrimStart();
        var newline = trimmed.IndexOf('\n', StringComparison.Ordinal);
        var line = (newline < 0 ? trimmed : trimmed[..newline]).TrimEnd();
        var cut = newline >= 0 && trimmed[newline..].Trim().Length > 0;
        if (line.Length > maxChars)
        {
            var space = line.LastIndexOf(' ', maxChars - 1);
            line = line[..(space > maxChars / 2 ? space : maxChars - 1)].TrimEnd();
            cut = true;
        }
        return line.Length == 0 ? "(empty)" : cut ? line + " …" : line;
    }
}
