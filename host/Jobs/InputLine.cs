namespace Sieve.Host.Jobs;

/// <summary>A line of input: a record, or the reason it is not one.</summary>
/// <param name="Ordinal">0-based index among the file's non-blank lines: what sharding divides.</param>
internal sealed record InputLine(long Line, long Ordinal, InputRecord? Record, string? Problem)
{
    public static InputLine Error(long line, long ordinal, string problem) => new(line, ordinal, null, problem);
}
