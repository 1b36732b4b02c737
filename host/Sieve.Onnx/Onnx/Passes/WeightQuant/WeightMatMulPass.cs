using Sieve.Abstractions;

namespace Sieve.Host.Onnx.Passes.WeightQuant;

/// <summary>
/// The weight-quant slot's graph pass: every ONNX <c>MatMul(X, W)</c> whose W is a constant float matrix becomes
/// <c>ai.sieve::QuantizedMatMul(X)</c>, computed by the <see cref="IQuantizedMatrix"/> the chosen
/// <see cref="IWeightQuantizer"/> made of W at load (W itself leaves the graph). Written against the contract's graph
/// view only, as a plugin's pass would be. A weight the quantizer refuses keeps its MatMul and is listed as refused.
/// </summary>
internal sealed class WeightMatMulPass(IWeightQuantizer quantizer, string implementation) : IGraphPass, IDisposable
{
    public const string OpType = "QuantizedMatMul";

    private readonly Dictionary<string, IQuantizedMatrix> _matrices = new(StringComparer.Ordinal);

    public string Name => implementation;

    /// <summary>The matrices made at <see cref="Apply"/>, by weight name; owned by the pass's session.</summary>
    public IReadOnlyCollection<IQuantizedMatrix> Matrices => _matrices.Values;

    public IReadOnlyList<CustomOperator> Operators =>
    [
        new CustomOperator(OpType, [new(TensorElementType.Float32)], [TensorElementType.Float32],
            node => new QuantizedMatMulKernel(_matrices[node.GetString("weight", "")])),
    ];

    public GraphPassPlan Plan(IModelGraph graph, GraphPassContext context)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(context);
        var matches = new List<GraphPassMatch>();
        var refusals = new List<GraphPassRefusal>();
        foreach (var node in graph.Nodes)
        {
            if (node.Domain.Length > 0 || node.OpType != "MatMul" || !graph.TryGetConstant(node.Inputs[1], out var weight))
            {
                continue;
            }
            var reason = weight.ElementType != TensorElementType.Float32 ? $"the weight is {weight.ElementType?.ToString() ?? "not a numeric tensor"}, not float32"
                : weight.Shape.Rank != 2 ? $"the weight {weight.Shape} is not a matrix"
                : quantizer.CheckSupport(weight.Shape, context.Device);
            if (reason is null)
            {
                matches.Add(new GraphPassMatch([node], $"{node}: {node.Inputs[0]} · {weight.Name} {weight.Shape}"));
            }
            else
            {
                refusals.Add(new GraphPassRefusal(node.ToString(), reason));
            }
        }
        return new GraphPassPlan(matches, refusals) { LookedFor = "MatMul node with a constant float weight" };
    }

    public void Apply(IModelGraph graph, GraphPassPlan plan)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(plan);
        foreach (var match in plan.Matches)
        {
            var node = match.Nodes[0];
            var name = node.Inputs[1];
            if (!_matrices.ContainsKey(name))
            {
                graph.TryGetConstant(name, out var weight);
                _matrices[name] = quantizer.Quantize(new TensorView<float>(weight.ToFloats().AsMemory(), weight.Shape));
            }
            graph.Replace([node], [new GraphNode(node.Name, OpType, GraphNode.SieveDomain, [node.Inputs[0]], node.Outputs,
                new Dictionary<string, NodeAttributeValue> { ["weight"] = NodeAttributeValue.Of(name) })]);
        }
    }

    /// <summary>Releases the matrices that hold native or device memory (the session that used them is gone by then).</summary>
    public void Dispose()
    {
        foreach (var matrix in _matrices.Values)
        {
            (matrix as IDisposable)?.Dispose();
        }
        _matrices.Clear();
    }
}
