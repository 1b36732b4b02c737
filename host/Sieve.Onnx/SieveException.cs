namespace Sieve.Host;

/// <summary>
/// A failure the user can fix (bad setting, missing file, bad model). Its message is shown as is, without a stack
/// trace, and names the file, line, record or setting concerned.
/// </summary>
public sealed class SieveException : Exception
{
    public SieveException(string message) : base(message) { }

    public SieveException(string message, Exception inner) : base(message, inner) { }

    public SieveException() { }
}
