using Sieve.Host.Jobs;

namespace Sieve.Host.Pipelines;

/// <summary>A checked record and the pipeline's work for it.</summary>
/// <param name="Record">The input record.</param>
/// <param name="Work">Pipeline-specific (e.g. token ids).</param>
/// <param name="Cost">Relative size (e.g. tokens), to group records of similar length into batches.</param>
/// <param name="Warning">Something the user should know (e.g. truncation), reported with the record's line and id.</param>
internal sealed record PreparedRecord(InputRecord Record, object Work, int Cost, string? Warning);
