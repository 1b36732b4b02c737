using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sieve.Host.Bench;
using Sieve.Host.Configuration;
using Sieve.Host.Operators;

namespace Sieve.Host.Cli;

/// <summary><c>sieve bench NAME</c>: benchmarks, each against its baseline in the same process.</summary>
internal sealed class BenchCommand(
    CommandLine commandLine,
    IOptions<SieveOptions> options,
    ConfigPaths paths,
    OperatorBinder operators,
    ILoggerFactory loggers,
    IServiceProvider services) : ISieveCommand
{
    private static readonly string[] Benchmarks = ["embed"];

    public Task<int> ExecuteAsync(CancellationToken cancellation)
    {
        var name = commandLine.Arguments.Count == 1 ? commandLine.Arguments[0] : null;
        return name switch
        {
            "embed" => Task.FromResult(new EmbedBenchmark(commandLine, options.Value, paths, operators, loggers.CreateLogger("Sieve.Bench"), services).Run(cancellation)),
            _ => throw new SieveException($"Usage: sieve bench NAME [--records N] [--batch-size B] [--repeat R]. Benchmarks: {string.Join(", ", Benchmarks)}."),
        };
    }
}
