using Sieve.Host.Jobs;

namespace Sieve.Host.Pipelines;

/// <summary>
/// What a pipeline adds to the generic batch job: checking and preparing one record, and processing a micro-batch.
/// The job owns reading, resume, sharding, batching, output, progress and error reporting. Not thread-safe.
/// </summary>
internal interface IJobPipeline : IDisposable
{
    /// <summary>Which implementation fills each slot the pipeline uses, for the summary line.</summary>
    string OperatorSummary { get; }

    /// <summary>Checks a record and prepares its work (e.g. tokenizes it).</summary>
    /// <exception cref="RecordException">The record is bad; the message says why.</exception>
    PreparedRecord Prepare(InputRecord record);

    /// <summary>Processes a batch and writes one output line per record.</summary>
    /// <exception cref="RecordException">A record failed; the job retries the batch's records one by one to find it.</exception>
    void Process(IReadOnlyList<PreparedRecord> batch, JobOutput output);

    /// <summary>
    /// Called once the output is complete (every record written, now or by an earlier run), e.g. to build an index
    /// from it. A failure here leaves the output intact.
    /// </summary>
    /// <exception cref="SieveException">The step after the records failed; the message says why.</exception>
    void Completed(string outputPath)
    {
    }

    /// <summary>A rate to show beside the progress (e.g. tokens/s), or null.</summary>
    string? Throughput => null;

    /// <summary>Where the work runs when that is not the run's <c>Sieve:Device</c> (BM25: <c>cpu</c>); null: that device.</summary>
    string? Device => null;

    /// <summary>Text to print when the job has finished (e.g. top hits), or null.</summary>
    string? Epilogue { get; }
}
