using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sieve.Host.Cli;
using Sieve.Host.Configuration;
using Sieve.Host.Device;
using Sieve.Tools.ClusterHead;

namespace Sieve.Tools.Cli;

/// <summary><c>sieve cluster-head MODEL --clusters K --out FILE</c> (its options: <see cref="ClusterHeadVerb"/>).</summary>
internal sealed class ClusterHeadCommand(CommandLine commandLine, IOptions<SieveOptions> options, ConfigPaths paths, IServiceProvider services) : ISieveCommand
{
    public Task<int> ExecuteAsync(CancellationToken cancellation)
    {
        var model = commandLine.Value<string>("MODEL");
        var output = commandLine.Value<string?>("--out") ?? throw new SieveException("sieve cluster-head needs --out FILE (the head file to write).");
        var modelPath = options.Value.Models.TryGetValue(model, out var configured) ? paths.Resolve(configured.Path) : Path.GetFullPath(model);
        if (!File.Exists(modelPath))
        {
            throw new SieveException($"Model {model} is neither a file nor a model under Sieve:Models ({string.Join(", ", options.Value.Models.Keys)}).");
        }
        var device = services.GetRequiredService<ExecutionDevice>();
        var request = new HeadClusteringRequest(modelPath, Path.GetFullPath(output), commandLine.Value<int>("--clusters"), commandLine.Value<int>("--iterations"),
            commandLine.Value<int>("--seed"), device.Kind == Sieve.Abstractions.DeviceKind.Cuda ? device.Gpu : null);
        HeadClustering.Run(request, Console.Error);
        return Task.FromResult(ExitCodes.Success);
    }
}
