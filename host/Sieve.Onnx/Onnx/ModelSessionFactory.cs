using Google.Protobuf;
using Sieve.Abstractions;
using Sieve.Host.Device;
using Sieve.Host.Onnx.Bridge;
using Sieve.Host.Onnx.Graph;
using Sieve.Host.Onnx.Passes.LmHead;
using Sieve.Host.Operators;
using Sieve.Host.Slots;

namespace Sieve.Host.Onnx;

/// <summary>
/// Loads a model for a job: untouched when no in-graph slot is chosen; otherwise each chosen in-graph implementation's
/// pass rewrites the graph, in the slots' pass order (<see cref="SlotDescriptor.PassOrder"/>), every match checked before
/// anything runs, and the session gets the custom operators the passes declared.
/// </summary>
internal static class ModelSessionFactory
{
    /// <param name="path">The .onnx file.</param>
    /// <param name="setting">The configuration key that named it.</param>
    /// <param name="operators">The job's chosen implementations; those of slots around the graph are ignored here.</param>
    /// <param name="services">Handed to the implementations' factories.</param>
    /// <param name="outputCut">When given (an lm-head that reads the hidden state), the output projection is cut after the passes.</param>
    /// <exception cref="SieveException">The file is bad, a pass finds nothing to replace, or an implementation refuses a node.</exception>
    public static ModelSession Create(string path, string setting, IReadOnlyList<BoundOperator> operators, IServiceProvider services,
        OutputProjectionCut? outputCut = null)
    {
        ArgumentNullException.ThrowIfNull(operators);
        var device = services.GetService(typeof(ExecutionDevice)) as ExecutionDevice ?? ExecutionDevice.Cpu;
        var inGraph = InGraph(operators);
        if (inGraph.Count == 0 && outputCut is null)
        {
            return new ModelSession(OnnxSessionFactory.Create(path, setting, device), null, [], "the model's own graph", device);
        }
        var graph = new OnnxModelGraph(OnnxModelFile.Read(path), path);
        var owned = new List<object>();
        var ops = new List<ManagedCustomOp>();
        var summary = new List<string>();
        try
        {
            foreach (var chosen in inGraph)
            {
                var (pass, plan) = Plan(chosen, graph, device.Kind, services, owned, $"Model {path} ({setting})");
                pass.Apply(graph, plan);
                ops.AddRange(pass.Operators.Select(op => new PassCustomOp(op, chosen.Implementation.Described, device.Kind)));
                summary.Add($"{chosen.Slot.Name}={chosen.Implementation.Name} ({chosen.Implementation.Origin}) on {plan.Matches.Count} nodes");
            }
            if (outputCut is not null)
            {
                outputCut.Apply(graph);
                summary.Add(outputCut.Summary);
            }
            graph.Complete();
        }
        catch
        {
            Dispose(owned);
            throw;
        }
        CustomOpDomain? domain = null;
        try
        {
            domain = new CustomOpDomain(ops);
            var session = OnnxSessionFactory.Create(graph.Model.ToByteArray(), path, setting, device, domain.AddTo);
            return new ModelSession(session, domain, owned, string.Join(", ", summary), device);
        }
        catch
        {
            domain?.Dispose();
            Dispose(owned);
            throw;
        }
    }

    /// <summary>The in-graph choices, in pass order.</summary>
    public static IReadOnlyList<BoundOperator> InGraph(IReadOnlyList<BoundOperator> operators) =>
        [.. operators.Where(o => o.Slot.Placement == SlotPlacement.InGraph).OrderBy(o => o.Slot.PassOrder)];

    /// <summary>
    /// Creates <paramref name="chosen"/>'s implementation and pass (both added to <paramref name="owned"/>) and plans it on
    /// <paramref name="graph"/>; a plan with nothing to replace, or a node the implementation refuses, stops the load.
    /// </summary>
    public static (IGraphPass Pass, GraphPassPlan Plan) Plan(BoundOperator chosen, IModelGraph graph, DeviceKind device, IServiceProvider services,
        List<object> owned, string where)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        var (pass, context) = chosen.CreatePass(device, services, owned);
        GraphPassPlan plan;
        try
        {
            plan = pass.Plan(graph, context);
        }
        catch (NotSupportedException refused)
        {
            throw new SieveException($"{where}: {refused.Message}.", refused);
        }
        if (plan.Matches.Count == 0)
        {
            throw new SieveException($"{where}: {chosen} is selected but no {chosen.Slot.Target} in the model can be replaced. " +
                (plan.Refusals.Count == 0 ? $"Found no {plan.LookedFor}." : "Found: " + string.Join("; ", plan.Refusals) + "."));
        }
        return (pass, plan);
    }

    private static void Dispose(IEnumerable<object> owned)
    {
        foreach (var disposable in owned.OfType<IDisposable>().Reverse())
        {
            disposable.Dispose();
        }
    }
}
