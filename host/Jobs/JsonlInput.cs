using System.Text.Json;

namespace Sieve.Host.Jobs;

/// <summary>
/// Reads a JSONL input file: one JSON object a line, each with an <c>id</c> (string or number). Blank lines are
/// skipped; a line that is not a valid record comes back as an error with its line number, and reading goes on.
/// </summary>
internal static class JsonlInput
{
    public static IEnumerable<InputLine> Read(string path)
    {
        using var reader = new StreamReader(path);
        long lineNumber = 0, ordinal = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            yield return Parse(line, lineNumber, ordinal++);
        }
    }

    /// <summary>Counts non-blank lines, for progress.</summary>
    public static long CountRecords(string path)
    {
        long count = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                count++;
            }
        }
        return count;
    }

    private static InputLine Parse(string line, long lineNumber, long ordinal)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(line);
            root = document.RootElement.Clone();
        }
        catch (JsonException error)
        {
            return InputLine.Error(lineNumber, ordinal, $"malformed JSON ({error.Message})");
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            return InputLine.Error(lineNumber, ordinal, $"expected a JSON object, got {root.ValueKind}");
        }
        if (!root.TryGetProperty("id", out var id) || id.ValueKind is not (JsonValueKind.String or JsonValueKind.Number)
            || (id.ValueKind == JsonValueKind.String && id.GetString()!.Length == 0))
        {
            return InputLine.Error(lineNumber, ordinal, "the record has no \"id\" (a non-empty string or a number)");
        }
        var text = id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText();
        return new InputLine(lineNumber, ordinal, new InputRecord(lineNumber, ordinal, text, id.GetRawText(), root), null);
    }
}
