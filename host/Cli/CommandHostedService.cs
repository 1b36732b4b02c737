using Microsoft.Extensions.Hosting;

namespace Sieve.Host.Cli;

/// <summary>Runs the chosen verb once, records its exit code and stops the host.</summary>
internal sealed class CommandHostedService(ISieveCommand command, IHostApplicationLifetime lifetime, CommandResult result) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Off the start-up path: the host finishes starting while the command runs.
            result.ExitCode = await Task.Run(() => command.ExecuteAsync(stoppingToken), CancellationToken.None).ConfigureAwait(false);
        }
        catch (SieveException error)
        {
            result.Error = error.Message;
            result.ExitCode = ExitCodes.Invalid;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            result.ExitCode = ExitCodes.Cancelled;
        }
#pragma warning disable CA1031 // A bug must still end the process with a message and a non-zero code.
        catch (Exception bug)
#pragma warning restore CA1031
        {
            result.Error = "Internal error (please report it): " + bug;
            result.ExitCode = ExitCodes.InternalError;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }
}
