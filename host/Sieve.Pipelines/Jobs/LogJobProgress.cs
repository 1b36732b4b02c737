using Microsoft.Extensions.Logging;

namespace Sieve.Host.Jobs;

/// <summary>
/// Progress as a log line every few seconds, for logs and redirected output. The rate counts only the records this
/// run processed, not those an earlier run already wrote.
/// </summary>
internal sealed partial class LogJobProgress(ILogger logger, string jobName, TimeSpan interval, TimeProvider? time = null) : IJobProgress
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private long _started;
    private long _total, _done, _skipped;
    private TimeSpan _lastReport;
    private string _status = "";

    public void Status(string status) => _status = ", " + status;

    public void Start(long total)
    {
        _total = total;
        _started = _time.GetTimestamp();
    }

    public void Skip(long records) => _skipped += records;

    public void Advance(long records)
    {
        _done += records;
        var elapsed = _time.GetElapsedTime(_started);
        if (elapsed - _lastReport < interval)
        {
            return;
        }
        _lastReport = elapsed;
        var rate = _done / Math.Max(elapsed.TotalSeconds, 1e-9);
        LogProgress(logger, jobName, _skipped + _done, _total, rate, _status);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job}: {Done}/{Total} records ({Rate:F1} records/s in this run{Status})")]
    private static partial void LogProgress(ILogger logger, string job, long done, long total, double rate, string status);
}
