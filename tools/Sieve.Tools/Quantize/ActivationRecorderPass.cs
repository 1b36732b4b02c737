using System.Collections.Concurrent;
using Sieve.Abstractions;

namespace Sieve.Tools.Quantize;

/// <summary>
/// Calibration for <c>sieve quantize</c>: puts <c>ai.sieve::RecordActivations</c> (an identity that sums x² per input
/// index) in front of the activation input of every MatMul and Gemm whose weight is a constant matrix, so that running
/// the model through ONNX Runtime on calibration text measures E[x_k²] per weight: SqueezeLLM's sensitivity where no
/// Fisher information is at hand. Not thread-safe to plan; the recording itself is.
/// </summary>
internal sealed class ActivationRecorderPass : IGraphPass
{
    public const string OpType = "RecordActivations";

    private readonly ConcurrentDictionary<string, ActivationSums> _sums = new(StringComparer.Ordinal);

    public string Name => "quantize/calibration";

    /// <summary>The sums so far, by weight name.</summary>
    public IReadOnlyDictionary<string, ActivationSums> Sums => _sums;

    public IReadOnlyList<CustomOperator> Operators =>
    [
        new CustomOperator(OpType, [new(TensorElementType.Float32)], [TensorElementType.Float32],
            node => new RecordingKernel(_sums.GetOrAdd(node.GetString("weight", ""), _ => new ActivationSums()))),
    ];

    public GraphPassPlan Plan(IModelGraph graph, GraphPassContext context)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var matches = graph.Nodes.Where(n => QuantizableWeights.WeightOf(graph, n) is not null)
            .Select(n => new GraphPassMatch([n], n.ToString())).ToList();
        return new GraphPassPlan(matches, []) { LookedFor = "MatMul or Gemm with a constant float matrix" };
    }

    public void Apply(IModelGraph graph, GraphPassPlan plan)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(plan);
        foreach (var match in plan.Matches)
        {
            var node = match.Nodes[0];
            var weight = QuantizableWeights.WeightOf(graph, node)!.Name;
            var recorded = $"{node.Inputs[0]}/recorded/{node.Name}";
            graph.Replace([node],
            [
                new GraphNode(node.Name + "/record", OpType, GraphNode.SieveDomain, [node.Inputs[0]], [recorded],
                    new Dictionary<string, NodeAttributeValue> { ["weight"] = NodeAttributeValue.Of(weight) }),
                node with { Inputs = [recorded, .. node.Inputs.Skip(1)] },
            ]);
        }
    }

    private sealed class RecordingKernel(ActivationSums sums) : ICustomKernel
    {
        public void Compute(ICustomKernelContext context)
        {
            var input = context.Input<float>(0);
            var output = context.Output<float>(0, input.Shape);
            input.Span.CopyTo(output.Span);
            sums.Add(input.Span, (int)input.Shape[-1]);
        }
    }
}

/// <summary>Σ x_k² over the rows an input has seen, per input index k. Thread-safe.</summary>
internal sealed class ActivationSums
{
    private readonly Lock _lock = new();
    private double[] _squares = [];

    public long Rows { get; private set; }

    public void Add(ReadOnlySpan<float> rows, int width)
    {
        lock (_lock)
        {
            if (_squares.Length != width)
            {
                _squares = new double[width];
            }
            for (var r = 0; r + width <= rows.Length; r += width)
            {
                for (var k = 0; k < width; k++)
                {
                    var x = rows[r + k];
                    _squares[k] += x * x;
                }
                Rows++;
            }
        }
    }

    /// <summary>E[x_k²] per k.</summary>
    public float[] MeanSquares()
    {
        lock (_lock)
        {
            return [.. _squares.Select(s => (float)(s / Math.Max(1, Rows)))];
        }
    }
}
