using Sieve.Abstractions;

namespace Sieve.TestPlugins.CheckingMatMul;

/// <summary>
/// Replaces every <c>MatMul(X, W)</c> with a constant float matrix W by <c>ai.sieve::CheckingMatMul(X, W)</c>, which checks
/// its inputs (ranks, the shared dimension, finite values) and multiplies exactly.
/// </summary>
public sealed class CheckingMatMulPass(IWeightQuantizer quantizer) : IGraphPass
{
    public const string OpType = "CheckingMatMul";

    public string Name => "weight-quant/checking";

    public IReadOnlyList<CustomOperator> Operators { get; } =
    [
        new CustomOperator(OpType, [new(TensorElementType.Float32), new(TensorElementType.Float32)], [TensorElementType.Float32],
            _ => new CheckingMatMulKernel()),
    ];

    public GraphPassPlan Plan(IModelGraph graph, GraphPassContext context)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(context);
        var matches = new List<GraphPassMatch>();
        var refusals = new List<GraphPassRefusal>();
        foreach (var node in graph.Nodes)
        {
            if (node.Domain.Length != 0 || node.OpType != "MatMul" || !graph.TryGetConstant(node.Inputs[1], out var weight))
            {
                continue;
            }
            var reason = weight.ElementType != TensorElementType.Float32 || weight.Shape.Rank != 2
                ? $"the weight is not a float matrix ({weight.ElementType}, {weight.Shape})"
                : quantizer.CheckSupport(weight.Shape, context.Device);
            if (reason is null)
            {
                matches.Add(new GraphPassMatch([node], $"{node} × {weight.Name} {weight.Shape}"));
            }
            else
            {
                refusals.Add(new GraphPassRefusal(node.ToString(), reason));
            }
        }
        return new GraphPassPlan(matches, refusals) { LookedFor = "MatMul with a constant float matrix" };
    }

    public void Apply(IModelGraph graph, GraphPassPlan plan)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(plan);
        foreach (var match in plan.Matches)
        {
            var node = match.Nodes[0];
            graph.Replace([node], [node with { OpType = OpType, Domain = GraphNode.SieveDomain, Name = node.Name + "/checking" }]);
        }
    }
}
