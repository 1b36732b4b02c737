using System.Text.Json;

namespace Sieve.Host.Jobs;

/// <summary>One valid input record: its line, its position among the file's records, its id and its body.</summary>
/// <param name="Line">1-based line number in the input file.</param>
/// <param name="Ordinal">0-based index among the file's non-blank lines (sharding divides it).</param>
/// <param name="Id">The id as text, for de-duplication and resume.</param>
/// <param name="IdJson">The id exactly as written (string or number), echoed into the output.</param>
/// <param name="Body">The whole record.</param>
internal sealed record InputRecord(long Line, long Ordinal, string Id, string IdJson, JsonElement Body)
{
    public string Where => $"line {Line}, id {IdJson}";

    /// <summary>A required string field, or a <see cref="RecordException"/> naming it.</summary>
    public string RequireString(string field) =>
        Body.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new RecordException($"the record has no \"{field}\" string");
}
