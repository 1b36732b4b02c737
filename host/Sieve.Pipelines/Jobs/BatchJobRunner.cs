using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Sieve.Host.Pipelines;

namespace Sieve.Host.Jobs;

/// <summary>
/// Runs one batch job: reads the input JSONL, keeps this shard's records, skips ids already written, reports bad
/// records with their line and id and goes on, groups records of similar length into micro-batches, hands them to
/// the pipeline, and completes the output only when every record was seen.
/// </summary>
internal sealed partial class BatchJobRunner(ILogger logger)
{
    public JobReport Run(JobRun job, IJobPipeline pipeline, IJobProgress progress, CancellationToken cancellation)
    {
        var report = new JobReport(job.Name) { Operators = pipeline.OperatorSummary, OutputPath = job.OutputPath };
        var clock = Stopwatch.StartNew();
        job.RequireInput();
        var total = JsonlInput.CountRecords(job.InputPath);
        if (total == 0)
        {
            throw new SieveException($"Input file {job.InputPath} ({job.InputSetting}) has no records: expected one JSON object a line.");
        }
        using var output = JobOutput.Open(job.OutputPath, job.OutputSetting);
        ReportResume(job, output);
        progress.Start(job.Shard.IsWhole ? total : (total + job.Shard.Count - 1 - job.Shard.Index) / job.Shard.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var window = new List<PreparedRecord>(job.BatchSize * BatchGrouping.WindowBatches);
        foreach (var line in JsonlInput.Read(job.InputPath))
        {
            if (cancellation.IsCancellationRequested || report.StoppedAt is not null)
            {
                break;
            }
            if (!job.Shard.Owns(line.Ordinal))
            {
                continue;
            }
            var prepared = Admit(job, line, seen, output, pipeline, report, progress);
            if (prepared is null)
            {
                continue;
            }
            window.Add(prepared);
            if (window.Count == window.Capacity)
            {
                ProcessWindow(job, window, pipeline, output, report, progress, cancellation);
            }
        }
        // After a bad line under StopOnError, the good records read before it are still processed and kept.
        ProcessWindow(job, window, pipeline, output, report, progress, cancellation);
        if (report.StoppedAt is not null)
        {
            throw new SieveException($"Job {job.Name} stopped at the first bad record ({report.StoppedAt}) because StopOnError is set. " +
                $"{output.Done.Count + report.Written} records are written to {output.PartialPath} (renamed to {job.OutputPath} once every record is written); " +
                "fix or remove the bad record and rerun the job to resume.");
        }
        report.Cancelled = cancellation.IsCancellationRequested;
        if (!report.Cancelled)
        {
            output.Complete();
            pipeline.Completed(job.OutputPath);
        }
        report.Elapsed = clock.Elapsed;
        return report;
    }

    /// <summary>Says that the job resumes an earlier run's output, and whether a torn last line was cut from it.</summary>
    private void ReportResume(JobRun job, JobOutput output)
    {
        if (output.Done.Count == 0 && output.CutBytes == 0)
        {
            return;
        }
        var cut = output.CutBytes == 0 ? "no torn line" : $"a torn last line ({output.CutBytes} bytes) was cut";
        LogResume(logger, job.Name, output.Done.Count, output.PartialPath, cut);
    }

    private PreparedRecord? Admit(JobRun job, InputLine line, HashSet<string> seen, JobOutput output, IJobPipeline pipeline, JobReport report, IJobProgress progress)
    {
        if (line.Record is not { } record)
        {
            Fail(job, report, progress, line.Where, line.Problem!);
            return null;
        }
        if (!seen.Add(record.Id))
        {
            Fail(job, report, progress, record.Where, "duplicate id: an earlier line has the same id; only the first is processed");
            return null;
        }
        if (output.Done.Contains(record.Id))
        {
            report.AlreadyDone++;
            progress.Skip(1);
            return null;
        }
        try
        {
            var prepared = pipeline.Prepare(record);
            if (prepared.Warning is not null)
            {
                report.Warnings++;
                LogRecordWarning(logger, job.Name, record.Where, prepared.Warning);
            }
            return prepared;
        }
        catch (RecordException bad)
        {
            Fail(job, report, progress, record.Where, bad.Message);
            return null;
        }
    }

    private void ProcessWindow(JobRun job, List<PreparedRecord> window, IJobPipeline pipeline, JobOutput output, JobReport report, IJobProgress progress, CancellationToken cancellation)
    {
        // A stop at a bad line still lets this window's records (all read before it) through; a failure among them stops.
        var stoppedBefore = report.StoppedAt is not null;
        foreach (var batch in BatchGrouping.Cut(window, job.BatchSize))
        {
            if (cancellation.IsCancellationRequested || (!stoppedBefore && report.StoppedAt is not null))
            {
                break;
            }
            ProcessBatch(job, batch, pipeline, output, report, progress);
            output.Flush();
        }
        window.Clear();
    }

    private void ProcessBatch(JobRun job, List<PreparedRecord> batch, IJobPipeline pipeline, JobOutput output, JobReport report, IJobProgress progress)
    {
        var failure = TryProcess(pipeline, batch, output);
        if (failure is null)
        {
            report.Written += batch.Count;
            if (pipeline.Throughput is { } throughput)
            {
                progress.Status(throughput);
            }
            progress.Advance(batch.Count);
            return;
        }
        if (batch.Count == 1)
        {
            Fail(job, report, progress, batch[0].Record.Where, failure);
            return;
        }
        // Retry one by one so that only the record at fault is reported.
        var stoppedBefore = report.StoppedAt is not null;
        foreach (var single in batch)
        {
            if (!stoppedBefore && report.StoppedAt is not null)
            {
                break;
            }
            ProcessBatch(job, [single], pipeline, output, report, progress);
        }
    }

    private static string? TryProcess(IJobPipeline pipeline, List<PreparedRecord> batch, JobOutput output)
    {
        try
        {
            pipeline.Process(batch, output);
            return null;
        }
        catch (RecordException bad)
        {
            return bad.Message;
        }
#pragma warning disable CA1031 // Whatever a model or operator throws fails the record, never the job.
        catch (Exception error) when (error is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return $"{error.GetType().Name}: {error.Message}";
        }
    }

    private void Fail(JobRun job, JobReport report, IJobProgress progress, string where, string problem)
    {
        report.Failed++;
        progress.Advance(1);
        LogRecordFailure(logger, job.Name, where, problem);
        if (job.StopOnError)
        {
            report.StoppedAt ??= $"{where}: {problem}";
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job}: resuming: {Done} records already written in {Partial}; {Cut}")]
    private static partial void LogResume(ILogger logger, string job, int done, string partial, string cut);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job}, {Where}: {Problem}")]
    private static partial void LogRecordFailure(ILogger logger, string job, string where, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}, {Where}: {Warning}")]
    private static partial void LogRecordWarning(ILogger logger, string job, string where, string warning);
}
