using System.Text.Json;

namespace Sieve.Tools.Eval;

/// <summary>
/// Texts for fidelity checks, built deterministically from a JSONL of <c>{"text"}</c> sentences: passage i joins
/// consecutive sentences (wrapping around) starting at sentence i·<c>stride</c>, its length drawn between the bounds.
/// Consecutive sentences of the shipped sample share a topic, so the passages read as short paragraphs.
/// </summary>
internal static class FidelitySet
{
    public static List<string> Create(string sentencesPath, int count, int minSentences, int maxSentences, int stride = 1, int seed = 17)
    {
        var sentences = File.ReadLines(sentencesPath)
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .Select(l => JsonDocument.Parse(l).RootElement.TryGetProperty("text", out var t) ? t.GetString() : null)
            .OfType<string>()
            .ToList();
        if (sentences.Count == 0)
        {
            throw new SieveException($"{sentencesPath} has no {{\"text\"}} records to build a fidelity set from.");
        }
        var random = new Random(seed);
        var texts = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var length = random.Next(minSentences, maxSentences + 1);
            texts.Add(string.Join(' ', Enumerable.Range(i * stride, length).Select(j => sentences[j % sentences.Count])));
        }
        return texts;
    }
}
