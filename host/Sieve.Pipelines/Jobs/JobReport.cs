using System.Globalization;

namespace Sieve.Host.Jobs;

/// <summary>Counts of one job run, and the summary line printed at its end.</summary>
internal sealed class JobReport(string jobName)
{
    public string JobName { get; } = jobName;

    public long Written { get; set; }

    public long Failed { get; set; }

    public long AlreadyDone { get; set; }

    public long Warnings { get; set; }

    public TimeSpan Elapsed { get; set; }

    public bool Cancelled { get; set; }

    /// <summary>With <c>StopOnError</c>: the first bad record and its problem; the job stops there.</summary>
    public string? StoppedAt { get; set; }

    /// <summary>Where the job ran (<c>cpu</c>, <c>cuda:0 (…)</c>), for the summary line; empty if unknown.</summary>
    public string Device { get; set; } = "";

    public string Operators { get; set; } = "";

    public string OutputPath { get; set; } = "";

    public string SummaryLine()
    {
        var seconds = Math.Max(Elapsed.TotalSeconds, 1e-9);
        var processed = Written + Failed;
        var cancelled = Cancelled ? ", CANCELLED (rerun to resume)" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"Job {JobName}: {processed} records in {Elapsed.TotalSeconds:F2} s ({processed / seconds:F1} records/s): {Written} written, {Failed} failed, {AlreadyDone} already done, {Warnings} warnings{cancelled}{(Device.Length == 0 ? "" : "; device: " + Device)}; operators: {Operators}; output: {OutputPath}");
    }
}
