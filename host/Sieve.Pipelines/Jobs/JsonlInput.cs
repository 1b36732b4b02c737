using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Sieve.Host.Jobs;

/// <summary>
/// Reads a JSONL input file: one JSON object a line, each with an <c>id</c> (string or number), in UTF-8. Blank lines
/// are skipped; a line that is not a valid record (invalid UTF-8 included) comes back as an error with its line number
/// and, where it can be read, its id, and reading goes on.
/// </summary>
internal static class JsonlInput
{
    public static IEnumerable<InputLine> Read(string path)
    {
        long ordinal = 0;
        foreach (var (number, bytes) in Utf8Lines.Read(path))
        {
            if (IsBlank(bytes))
            {
                continue;
            }
            yield return Parse(bytes, number, ordinal++);
        }
    }

    /// <summary>Counts non-blank lines, for progress.</summary>
    public static long CountRecords(string path)
    {
        long count = 0;
        foreach (var (_, bytes) in Utf8Lines.Read(path))
        {
            if (!IsBlank(bytes))
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>Blank: nothing but spaces and tabs (JSON's white space).</summary>
    private static bool IsBlank(byte[] bytes) => bytes.AsSpan().IndexOfAnyExcept(" \t\r\f\v"u8) < 0;

    private static InputLine Parse(byte[] bytes, long lineNumber, long ordinal)
    {
        var invalidAt = InvalidUtf8At(bytes);
        if (invalidAt >= 0)
        {
            // The id is read from a lossy decoding only to say which record it is; the record itself fails.
            var problem = $"invalid UTF-8 (byte 0x{bytes[invalidAt]:X2} at byte {invalidAt + 1} of the line): the input must be UTF-8; the record is not processed";
            return InputLine.Error(lineNumber, ordinal, problem, LossyId(bytes));
        }
        var line = Encoding.UTF8.GetString(bytes);
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

    /// <summary>The 0-based offset of the first byte that is not valid UTF-8, or -1.</summary>
    private static int InvalidUtf8At(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes))
        {
            return -1;
        }
        for (var at = 0; at < bytes.Length;)
        {
            if (Rune.DecodeFromUtf8(bytes[at..], out _, out var consumed) != OperationStatus.Done)
            {
                return at;
            }
            at += consumed;
        }
        return -1;
    }

    private static string? LossyId(byte[] bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(Encoding.UTF8.GetString(bytes));
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("id", out var id)
                && id.ValueKind is JsonValueKind.String or JsonValueKind.Number
                ? id.GetRawText()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
