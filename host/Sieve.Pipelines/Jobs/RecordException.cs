namespace Sieve.Host.Jobs;

/// <summary>One record is bad or failed; the job reports it with the record's line and id and goes on.</summary>
public sealed class RecordException : Exception
{
    public RecordException(string message) : base(message) { }

    public RecordException(string message, Exception inner) : base(message, inner) { }

    public RecordException() { }
}
