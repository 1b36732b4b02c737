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

    public string Operators { get; set; } = "";

    public string OutputPath { get; set; } = "";

    public string SummaryLine()
    {
        var seconds = Math.Max(Elapsed.TotalSeconds, 1e-9);
        var processed = Written + Failed;
        var cancelled = Cancelled ? ", CANCELLED (rerun to resume)" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"Job {JobName}: {processed} records in {Elapsed.TotalSeconds:F2} s ({processed / seconds:F1} records/s): {Written} written, {Failed} failed, {AlreadyDone} already done, {Warnings} warnings{cancelled}; operators: {Operators}; output: {OutputPath}");
    }
}
