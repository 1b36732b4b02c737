using Microsoft.Extensions.Configuration;
using Sieve.Host.Configuration;
using Google.Protobuf;
using Sieve.Host.Onnx;
using Sieve.Host.Onnx.Rewriting;

namespace Sieve.Host.Cli;

/// <summary>
/// <c>sieve inspect MODEL [--rewrite OUT.onnx]</c>: a model's inputs, outputs, opsets, node counts, and the nodes each
/// in-graph slot would replace; with <c>--rewrite</c>, saves the rewritten model. MODEL is a configured name or a path.
/// </summary>
internal sealed class InspectCommand(CommandLine commandLine, IConfiguration configuration, ConfigPaths paths) : ISieveCommand
{
    public Task<int> ExecuteAsync(CancellationToken cancellation)
    {
        var target = commandLine.Value<string>("MODEL");
        var configured = configuration[$"Sieve:Models:{target}:Path"];
        var path = configured is not null ? paths.Resolve(configured) : Path.GetFullPath(target);
        var model = OnnxModelFile.Read(path);
        Console.Out.Write(ModelInspector.Describe(path, model));
        var (matches, unsupported) = AttentionFinder.Find(model);
        Console.Out.WriteLine($"Slot attention: {matches.Count} node groups would be replaced by ai.sieve::Attention");
        foreach (var match in matches)
        {
            Console.Out.WriteLine("  " + match.Describe());
        }
        foreach (var refused in unsupported)
        {
            Console.Out.WriteLine("  not replaceable: " + refused);
        }
        if (commandLine.Value<string?>("--rewrite") is { } rewritePath)
        {
            if (matches.Count == 0)
            {
                throw new SieveException($"Nothing to rewrite in {path}: no attention can be replaced.");
            }
            var output = Path.GetFullPath(rewritePath);
            using (var stream = File.Create(output + ".tmp"))
            {
                AttentionRewriter.Rewrite(model, matches).WriteTo(stream);
            }
            File.Move(output + ".tmp", output, overwrite: true);
            Console.Out.WriteLine($"Rewritten model written to {output} (custom domain {Onnx.Bridge.CustomOpDomain.Name}, version {AttentionRewriter.DomainVersion}).");
        }
        return Task.FromResult(ExitCodes.Success);
    }
}
