using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Sieve.Abstractions;
using Sieve.Host.Configuration;
using Sieve.Host.Device;
using Sieve.Host.Onnx;
using Sieve.Host.Onnx.Graph;
using Sieve.Host.Operators;
using Sieve.Host.Slots;

namespace Sieve.Host.Cli;

/// <summary>
/// <c>sieve inspect MODEL [--rewrite OUT.onnx]</c>: a model's inputs, outputs, opsets, node counts, and for every in-graph
/// slot, in pass order, the nodes its pass would replace and those it refuses (with the implementation configured in
/// <c>Sieve:Operators</c>, else the slot's reference); with <c>--rewrite</c>, saves the model as those passes rewrite it.
/// MODEL is a configured name or a path.
/// </summary>
internal sealed class InspectCommand(CommandLine commandLine, IConfiguration configuration, ConfigPaths paths, OperatorBinder binder,
    IOptions<SieveOptions> options) : ISieveCommand
{
    public Task<int> ExecuteAsync(CancellationToken cancellation)
    {
        var target = commandLine.Value<string>("MODEL");
        var configured = configuration[$"Sieve:Models:{target}:Path"];
        var path = configured is not null ? paths.Resolve(configured) : Path.GetFullPath(target);
        var graph = new OnnxModelGraph(OnnxModelFile.Read(path), path);
        Console.Out.Write(ModelInspector.Describe(path, graph.Model));
        var owned = new List<object>();
        var rewrites = 0;
        try
        {
            foreach (var slot in SlotCatalog.All.Where(s => s.Placement == SlotPlacement.InGraph))
            {
                rewrites += Inspect(slot, graph, owned);
            }
        }
        finally
        {
            foreach (var disposable in owned.OfType<IDisposable>())
            {
                disposable.Dispose();
            }
        }
        if (commandLine.Value<string?>("--rewrite") is { } rewritePath)
        {
            if (rewrites == 0)
            {
                throw new SieveException($"Nothing to rewrite in {path}: no in-graph slot's pass replaces a node.");
            }
            graph.Complete();
            var output = Path.GetFullPath(rewritePath);
            using (var stream = File.Create(output + ".tmp"))
            {
                graph.Model.WriteTo(stream);
            }
            File.Move(output + ".tmp", output, overwrite: true);
            Console.Out.WriteLine($"Rewritten model written to {output} (custom domain {GraphNode.SieveDomain}, version {OnnxModelGraph.SieveDomainVersion}).");
        }
        return Task.FromResult(ExitCodes.Success);
    }

    /// <summary>The global selections, or none while the configuration does not validate (inspect must work then too).</summary>
    private IReadOnlyList<BoundOperator> Selected()
    {
        try
        {
            return binder.Bind(options.Value).Global;
        }
        catch (OptionsValidationException)
        {
            return [];
        }
    }

    /// <summary>Prints one slot's plan and applies it (later passes see what they would see at load); the matches it applied.</summary>
    private int Inspect(SlotDescriptor slot, OnnxModelGraph graph, List<object> owned)
    {
        var chosen = Selected().FirstOrDefault(c => c.Slot == slot);
        var note = chosen is null ? ", the slot's reference; none selected" : "";
        chosen ??= OperatorBinder.Standalone(binder.Plugins, slot.Name, slot.Reference, new Dictionary<string, string>());
        var (pass, context) = chosen.CreatePass(ExecutionDevice.Cpu.Kind, EmptyServices.Instance, owned);
        GraphPassPlan plan;
        try
        {
            plan = pass.Plan(graph, context);
        }
        catch (NotSupportedException refused)
        {
            Console.Out.WriteLine($"Slot {slot.Name} ({chosen.Implementation.Described}{note}): refuses the model: {refused.Message}");
            return 0;
        }
        var ops = string.Join(", ", pass.Operators.Select(o => $"{GraphNode.SieveDomain}::{o.OpType}"));
        Console.Out.WriteLine($"Slot {slot.Name}: {plan.Matches.Count} node groups would be replaced by {ops} ({chosen.Implementation.Described}{note})");
        foreach (var match in plan.Matches)
        {
            Console.Out.WriteLine("  " + match.Description);
        }
        foreach (var refused in plan.Refusals)
        {
            Console.Out.WriteLine("  not replaceable: " + refused);
        }
        if (plan.Matches.Count > 0)
        {
            pass.Apply(graph, plan);
        }
        return plan.Matches.Count;
    }
}
