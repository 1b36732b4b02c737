namespace Sieve.Host.Tests.Testing;

/// <summary>What one run of `sieve` printed, and its exit code.</summary>
internal sealed record SieveResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
