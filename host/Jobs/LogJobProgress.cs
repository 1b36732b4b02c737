using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Sieve.Host.Jobs;

/// <summary>Progress as a log line every few seconds, for logs and redirected output.</summary>
internal sealed partial class LogJobProgress(ILogger logger, string jobName, TimeSpan interval) : IJobProgress
{
    private readonly Stopwatch _clock = new();
    private long _total, _done;
    private TimeSpan _lastReport;
    private string _status = "";

    public void Status(string status) => _status = ", " + status;

    public void Start(long total)
    {
        _total = total;
        _clock.Start();
    }

    public void Advance(long records)
    {
        _done += records;
        if (_clock.Elapsed - _lastReport < interval)
        {
            return;
        }
        _lastReport = _clock.Elapsed;
        var rate = _done / Math.Max(_lastReport.TotalSeconds, 1e-9);
        LogProgress(logger, jobName, _done, _total, rate, _status);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job}: {Done}/{Total} records ({Rate:F1} records/s{Status})")]
    private static partial void LogProgress(ILogger logger, string job, long done, long total, double rate, string status);
}
