namespace Sieve.Host.Cli;

/// <summary>One verb of the <c>sieve</c> command.</summary>
internal interface ISieveCommand
{
    /// <returns>The process exit code.</returns>
    /// <exception cref="SieveException">A failure the user can fix; its message is printed.</exception>
    Task<int> ExecuteAsync(CancellationToken cancellation);
}
