namespace Sieve.Host.Cli;

/// <summary>What the verb left behind for the process: its exit code and a message for the user.</summary>
internal sealed class CommandResult
{
    public int ExitCode { get; set; } = ExitCodes.Success;

    public string? Error { get; set; }
}
