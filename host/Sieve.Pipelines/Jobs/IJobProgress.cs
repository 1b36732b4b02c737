namespace Sieve.Host.Jobs;

/// <summary>Shows a job's progress: a bar on an interactive terminal, periodic log lines otherwise.</summary>
internal interface IJobProgress
{
    void Start(long total);

    void Advance(long records);

    /// <summary>Records an earlier run already wrote: they count toward the total, not toward this run's rate.</summary>
    void Skip(long records) => Advance(records);

    /// <summary>Shows a pipeline's own rate beside the record count (e.g. tokens/s).</summary>
    void Status(string status)
    {
    }
}
