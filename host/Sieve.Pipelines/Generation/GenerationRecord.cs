using System.Text.Json;
using Sieve.Host.Jobs;

namespace Sieve.Host.Generation;

/// <summary>
/// Reads a <c>generate</c> record, <c>{"id", "prompt", "max_new_tokens", "temperature", "top_p", "seed", "stop"}</c>:
/// every field but the prompt is optional (the job's defaults apply); <c>stop</c> is a string or an array of strings,
/// and an entry written like a special token (<c>&lt;|…|&gt;</c>) must be one the tokenizer knows.
/// </summary>
internal static class GenerationRecord
{
    /// <exception cref="RecordException">A field is missing, of the wrong type or out of range; the message names it.</exception>
    public static GenerationRequest Parse(InputRecord record, LmTokenizer tokenizer, GenerationDefaults defaults, int context)
    {
        var prompt = record.RequireString("prompt");
        if (prompt.Length == 0)
        {
            throw new RecordException("empty prompt: \"prompt\" must hold some text to continue");
        }
        var maxNewTokens = Int(record, "max_new_tokens", defaults.MaxNewTokens);
        if (maxNewTokens <= 0)
        {
            throw new RecordException($"\"max_new_tokens\" = {maxNewTokens}: must be at least 1");
        }
        var temperature = Float(record, "temperature", defaults.Temperature);
        if (temperature < 0 || !float.IsFinite(temperature))
        {
            throw new RecordException($"\"temperature\" = {temperature}: must be 0 (greedy) or positive");
        }
        var topP = Float(record, "top_p", defaults.TopP);
        if (topP is <= 0 or > 1 || !float.IsFinite(topP))
        {
            throw new RecordException($"\"top_p\" = {topP}: must be in (0, 1]");
        }
        var seed = Int(record, "seed", defaults.Seed);
        var (stopStrings, stopTokens) = Stops(record, tokenizer);
        var ids = tokenizer.Encode(prompt);
        if (ids.Length >= context)
        {
            throw new RecordException($"prompt of {ids.Length} tokens does not fit the model's context of {context} tokens (it needs room for one new token)");
        }
        return new GenerationRequest(ids, maxNewTokens, temperature, topP, seed, stopStrings, stopTokens);
    }

    private static (List<string> Strings, List<int> Tokens) Stops(InputRecord record, LmTokenizer tokenizer)
    {
        var strings = new List<string>();
        var tokens = new List<int>();
        if (!record.Body.TryGetProperty("stop", out var stop) || stop.ValueKind == JsonValueKind.Null)
        {
            return (strings, tokens);
        }
        var entries = stop.ValueKind switch
        {
            JsonValueKind.String => [stop],
            JsonValueKind.Array => stop.EnumerateArray().ToList(),
            _ => throw new RecordException("\"stop\" must be a string or an array of strings"),
        };
        foreach (var entry in entries)
        {
            if (entry.ValueKind != JsonValueKind.String || entry.GetString() is not { Length: > 0 } text)
            {
                throw new RecordException("\"stop\" entries must be non-empty strings");
            }
            if (text.StartsWith("<|", StringComparison.Ordinal) && text.EndsWith("|>", StringComparison.Ordinal))
            {
                tokens.Add(tokenizer.SpecialTokens.TryGetValue(text, out var id)
                    ? id
                    : throw new RecordException($"unknown stop token {text}: the tokenizer's special tokens are {string.Join(", ", tokenizer.SpecialTokens.Keys)}"));
            }
            else
            {
                strings.Add(text);
            }
        }
        return (strings, tokens);
    }

    private static int Int(InputRecord record, string field, int fallback)
    {
        if (!record.Body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw new RecordException($"\"{field}\" must be an integer");
    }

    private static float Float(InputRecord record, string field, float fallback)
    {
        if (!record.Body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }
        return value.ValueKind == JsonValueKind.Number ? value.GetSingle() : throw new RecordException($"\"{field}\" must be a number");
    }
}
