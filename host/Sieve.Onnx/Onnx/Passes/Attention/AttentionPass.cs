using Sieve.Abstractions;
using Sieve.Host.Onnx.Graph;

namespace Sieve.Host.Onnx.Passes.Attention;

/// <summary>
/// The attention slot's graph pass: every attention <see cref="AttentionFinder"/> recognises becomes one
/// <c>ai.sieve::Attention</c> node (<see cref="AttentionRewriter"/>) computed by the chosen <see cref="IAttention"/>, on
/// the CPU provider (<see cref="AttentionKernel"/>) or, on a CUDA session, on ORT's stream (<see cref="CudaAttentionKernel"/>).
/// Each match is checked with <see cref="IAttention.CheckSupport"/> when planned, before anything runs.
/// </summary>
internal sealed class AttentionPass(IAttention attention, string implementation, IGpuDevice? gpu) : IGraphPass
{
    private readonly Lazy<DeviceLayouts>? _layouts = gpu is null ? null : new Lazy<DeviceLayouts>(() => new DeviceLayouts(gpu));

    public string Name => implementation;

    public IReadOnlyList<CustomOperator> Operators =>
    [
        new CustomOperator(AttentionNodeAttributes.OpType,
            [new(TensorElementType.Float32), new(TensorElementType.Float32), new(TensorElementType.Float32), new(null, Optional: true)],
            [TensorElementType.Float32],
            node => new AttentionKernel(attention, AttentionNodeAttributes.Read(node)),
            _layouts is null ? null : node => new CudaAttentionKernel(attention, AttentionNodeAttributes.Read(node), _layouts.Value)),
    ];

    public GraphPassPlan Plan(IModelGraph graph, GraphPassContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var onnx = OnnxModelGraph.Of(graph);
        var (matches, unsupported) = AttentionFinder.Find(onnx.Model);
        var notes = new List<string?>(matches.Count);
        foreach (var match in matches)
        {
            var a = match.Attributes;
            var shape = new AttentionShape(a.QueryHeads, a.KeyValueHeads, a.HeadSize, a.Scale, a.Causal, a.Layer) { Device = context.Device, Layers = matches.Count };
            var problem = attention.CheckSupport(shape);
            if (problem is not null)
            {
                throw new NotSupportedException($"{implementation} cannot run {match.Describe()}: {problem}");
            }
            notes.Add((attention as IDescribesAttentionNodes)?.Describe(shape));
        }
        return new GraphPassPlan(
            [.. matches.Select((m, i) => new AttentionPassMatch(m, [.. m.Nodes.Select(onnx.NodeOf)], notes[i]))],
            [.. unsupported.Select(u => new GraphPassRefusal(u.Node, u.Reason))])
        {
            LookedFor = "MatMul-Softmax-MatMul pattern, com.microsoft::Attention, MultiHeadAttention or GroupQueryAttention node, or ONNX Attention node",
        };
    }

    public void Apply(IModelGraph graph, GraphPassPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var onnx = OnnxModelGraph.Of(graph);
        onnx.Model = AttentionRewriter.Rewrite(onnx.Model, [.. plan.Matches.Cast<AttentionPassMatch>().Select(m => m.Attention)]);
    }
}
