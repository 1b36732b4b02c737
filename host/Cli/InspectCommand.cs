using Microsoft.Extensions.Configuration;
using Sieve.Host.Configuration;
using Sieve.Host.Onnx;

namespace Sieve.Host.Cli;

/// <summary><c>sieve inspect MODEL</c>: a model's inputs, outputs, opsets and node counts. MODEL is a configured name or a path.</summary>
internal sealed class InspectCommand(CommandLine commandLine, IConfiguration configuration, ConfigPaths paths) : ISieveCommand
{
    public Task<int> ExecuteAsync(CancellationToken cancellation)
    {
        if (commandLine.Arguments.Count != 1)
        {
            throw new SieveException("Usage: sieve inspect MODEL (a name under Sieve:Models, or a path to an .onnx file).");
        }
        var target = commandLine.Arguments[0];
        var configured = configuration[$"Sieve:Models:{target}:Path"];
        var path = configured is not null ? paths.Resolve(configured) : Path.GetFullPath(target);
        Console.Out.Write(ModelInspector.Describe(path, OnnxModelFile.Read(path)));
        return Task.FromResult(ExitCodes.Success);
    }
}
