using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sieve.Tools.Bench;
using Sieve.Host.Cli;
using Sieve.Host.Configuration;
using Sieve.Host.Device;
using Sieve.Host.Operators;
using Sieve.Host.Plugins;

namespace Sieve.Tools.Cli;

/// <summary><c>sieve bench NAME</c>: benchmarks, each against its baseline in the same process.</summary>
internal sealed class BenchCommand(
    CommandLine commandLine,
    IOptions<SieveOptions> options,
    ConfigPaths paths,
    OperatorBinder operators,
    ILoggerFactory loggers,
    IServiceProvider services,
    PluginCatalog plugins) : ISieveCommand
{
    public Task<int> ExecuteAsync(CancellationToken cancellation)
    {
        // The kinds and their options are declared in BenchVerb; the parser admits no other.
        return commandLine.Kind switch
        {
            "attention" => RunAttention(cancellation),
            "lexical-head" => Task.FromResult(new LexicalHeadBenchmark(commandLine, plugins, services).Run(Console.Out, cancellation)),
            "generate" => RunGenerate(cancellation),
            "gpu-attention" => RunGpuAttention(cancellation),
            "quantized-matmul" => RunQuantizedMatMul(cancellation),
            "kmeans" => Run(() => new KMeansBenchmark(commandLine, services.GetRequiredService<ExecutionDevice>()).Run(Console.Out, cancellation)),
            "lm-head" => Run(() => new LmHeadBenchmark(commandLine, options.Value, paths, services).Run(Console.Out, cancellation)),
            "embed" => Task.FromResult(new EmbedBenchmark(commandLine, options.Value, paths, operators, loggers.CreateLogger("Sieve.Bench"), services).Run(cancellation)),
            _ => throw new SieveException($"Unknown benchmark '{commandLine.Kind}'. Benchmarks: {string.Join(", ", BenchVerb.Kinds)}."),
        };
    }

    private static Task<int> Run(Action benchmark)
    {
        benchmark();
        return Task.FromResult(ExitCodes.Success);
    }

    private Task<int> RunQuantizedMatMul(CancellationToken cancellation)
    {
        new QuantizedMatMulBenchmark(commandLine, services.GetRequiredService<ExecutionDevice>()).Run(Console.Out, cancellation);
        return Task.FromResult(ExitCodes.Success);
    }

    private Task<int> RunGpuAttention(CancellationToken cancellation)
    {
        new GpuAttentionBenchmark(commandLine, services.GetRequiredService<ExecutionDevice>(), plugins, services).Run(Console.Out, cancellation);
        return Task.FromResult(ExitCodes.Success);
    }

    private Task<int> RunGenerate(CancellationToken cancellation)
    {
        new GenerateBenchmark(commandLine, options.Value, paths, plugins).Run(Console.Out, cancellation);
        return Task.FromResult(ExitCodes.Success);
    }

    private Task<int> RunAttention(CancellationToken cancellation)
    {
        if (!commandLine.Has("--pipelines-only"))
        {
            new AttentionKernelBenchmark(commandLine, plugins).Run(Console.Out, cancellation);
        }
        if (!commandLine.Has("--kernels-only"))
        {
            new AttentionPipelineBenchmark(commandLine, options.Value, paths, plugins, loggers.CreateLogger("Sieve.Bench"), services).Run(Console.Out, cancellation);
        }
        return Task.FromResult(ExitCodes.Success);
    }
}
