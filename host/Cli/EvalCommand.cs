using System.Globalization;
using Microsoft.Extensions.Options;
using Sieve.Host.Configuration;
using Sieve.Host.Eval;
using Sieve.Host.Pipelines;
using Sieve.Host.Plugins;

namespace Sieve.Host.Cli;

/// <summary><c>sieve eval embed-fidelity [--densities 0.25,0.5,0.75] [--block-size 16] [--texts 200]</c>.</summary>
internal sealed class EvalCommand(CommandLine commandLine, IOptions<SieveOptions> options, ConfigPaths paths, PluginCatalog plugins) : ISieveCommand
{
    public Task<int> ExecuteAsync(CancellationToken cancellation)
    {
        if (commandLine.Arguments is not ["embed-fidelity"])
        {
            throw new SieveException("Usage: sieve eval embed-fidelity [--densities 0.25,0.5,0.75] [--block-size 16] [--texts 200]. Evaluations: embed-fidelity.");
        }
        var settings = options.Value;
        var job = settings.Jobs.FirstOrDefault(j => string.Equals(j.Pipeline, PipelineCatalog.Embed, StringComparison.OrdinalIgnoreCase))
            ?? throw new SieveException("sieve eval embed-fidelity needs an embed job in the configuration (its model and input sentences are used).");
        var densities = commandLine.Flags.TryGetValue("--densities", out var text)
            ? text.Split(',').Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToList()
            : [0.25, 0.5, 0.75];
        var report = new EmbedFidelityEvaluation(settings, paths, plugins).Run(job.Model, paths.Resolve(job.Input), densities,
            commandLine.IntFlag("--block-size", 16), commandLine.IntFlag("--texts", 200));
        Console.Out.Write(report.Table());
        Console.Out.WriteLine(report.Json());
        return Task.FromResult(ExitCodes.Success);
    }
}
