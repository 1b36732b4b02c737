namespace Sieve.Host.Jobs;

/// <summary>A line of input: a record, or the reason it is not one.</summary>
/// <param name="Ordinal">0-based index among the file's non-blank lines: what sharding divides.</param>
/// <param name="IdJson">For a line that is not a record, its id as written when it could still be read, for the report.</param>
internal sealed record InputLine(long Line, long Ordinal, InputRecord? Record, string? Problem, string? IdJson = null)
{
    /// <summary>Where the line is, for messages: <c>line 3</c> or <c>line 3, id "a"</c>.</summary>
    public string Where => Record?.Where ?? (IdJson is null ? $"line {Line}" : $"line {Line}, id {IdJson}");

    public static InputLine Error(long line, long ordinal, string problem, string? idJson = null) => new(line, ordinal, null, problem, idJson);
}
