using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sieve.Host.Configuration;
using Sieve.Host.Device;
using Sieve.Host.Jobs;
using Sieve.Host.Operators;
using Sieve.Host.Pipelines;
using Spectre.Console;

namespace Sieve.Host.Cli;

/// <summary><c>sieve run [--job NAME] [--shard i/N]</c>: runs the configured jobs in order (or one of them).</summary>
internal sealed class RunCommand(
    CommandLine commandLine,
    IOptions<SieveOptions> options,
    ConfigPaths paths,
    OperatorBinder operators,
    ILoggerFactory loggers,
    IServiceProvider services) : ISieveCommand
{
    public Task<int> ExecuteAsync(CancellationToken cancellation)
    {
        var settings = options.Value;
        var exitCode = ExitCodes.Success;
        foreach (var index in SelectJobs(settings))
        {
            var report = RunJob(settings, index, cancellation);
            Console.Out.WriteLine(report.SummaryLine());
            if (report.Cancelled)
            {
                return Task.FromResult(ExitCodes.Cancelled);
            }
            if (report.Failed > 0)
            {
                exitCode = ExitCodes.RecordsFailed;
            }
        }
        return Task.FromResult(exitCode);
    }

    private List<int> SelectJobs(SieveOptions settings)
    {
        if (settings.Jobs.Count == 0)
        {
            throw new SieveException("No jobs are configured (Sieve:Jobs is empty).");
        }
        if (commandLine.JobName is null)
        {
            return Enumerable.Range(0, settings.Jobs.Count).ToList();
        }
        var index = settings.Jobs.FindIndex(j => string.Equals(j.Name, commandLine.JobName, StringComparison.OrdinalIgnoreCase));
        return index >= 0
            ? [index]
            : throw new SieveException($"No job named '{commandLine.JobName}'. Jobs: {string.Join(", ", settings.Jobs.Select(j => j.Name))}.");
    }

    private JobReport RunJob(SieveOptions settings, int index, CancellationToken cancellation)
    {
        var job = settings.Jobs[index];
        var key = $"Sieve:Jobs:{index}";
        var run = new JobRun(job.Name, paths.Resolve(job.Input), $"{key}:Input",
            commandLine.Shard.OutputPath(paths.Resolve(job.Output)), $"{key}:Output", job.BatchSize, job.StopOnError, commandLine.Shard);
        if (!commandLine.Shard.IsWhole && string.Equals(job.Pipeline, PipelineCatalog.Index, StringComparison.OrdinalIgnoreCase))
        {
            throw new SieveException($"Job {job.Name} ({key}) builds one inverted index from every document: run it without --shard.");
        }
        run.RequireInput(); // before the model is loaded
        using var pipeline = PipelineCatalog.Create(index, settings, paths, operators, services);
        var logger = loggers.CreateLogger("Sieve.Job");
        var runner = new BatchJobRunner(logger);
        var report = IsInteractive()
            ? SpectreJobProgress.Show(job.Name, progress => runner.Run(run, pipeline, progress, cancellation))
            : runner.Run(run, pipeline, new LogJobProgress(logger, job.Name, TimeSpan.FromSeconds(5)), cancellation);
        report.Device = pipeline.Device ?? ((ExecutionDevice?)services.GetService(typeof(ExecutionDevice)) ?? ExecutionDevice.Cpu).Description;
        if (pipeline.Epilogue is { } epilogue)
        {
            Console.Out.Write(epilogue);
        }
        return report;
    }

    private static bool IsInteractive() =>
        !Console.IsOutputRedirected && !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;
}
