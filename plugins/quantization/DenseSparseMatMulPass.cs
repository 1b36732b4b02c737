using Sieve.Abstractions;
using Sieve.Plugins.Quantization.Format;
using Sieve.Plugins.Quantization.Gpu;

namespace Sieve.Plugins.Quantization;

/// <summary>
/// The pass of <c>weight-quant/dense-and-sparse</c>. A model written by <c>sieve quantize</c> already calls
/// <c>ai.sieve::DenseSparseMatMul(X)</c> (attribute <c>weight</c>: the matrix's name in the side file) where the source
/// model had <c>MatMul(X, W)</c>; the pass checks the side file against <c>quantization.json</c> (sha256) and against
/// every node, reads the matrices, and declares the operator (CPU, and CUDA when the host has a GPU). The graph is left
/// as it is. Owns the matrices' device copies; disposed with the session.
/// </summary>
internal sealed class DenseSparseMatMulPass(IGpuDevice? gpu) : IGraphPass, IDisposable
{
    public const string OpType = "DenseSparseMatMul";

    private readonly Lock _upload = new();
    private readonly Dictionary<string, DeviceDenseSparseMatrix> _onDevice = new(StringComparer.Ordinal);
    private readonly Lazy<GpuDenseSparseMatMul>? _gpu = gpu is null ? null : new Lazy<GpuDenseSparseMatMul>(() => new GpuDenseSparseMatMul(gpu));
    private Dictionary<string, DenseSparseMatrix> _matrices = new(StringComparer.Ordinal);

    public string Name => "weight-quant/" + DenseSparseWeightQuantizer.Name;

    /// <summary>The matrices read at <see cref="Plan"/>, by weight name.</summary>
    public IReadOnlyDictionary<string, DenseSparseMatrix> Matrices => _matrices;

    public IReadOnlyList<CustomOperator> Operators =>
    [
        new CustomOperator(OpType, [new(TensorElementType.Float32)], [TensorElementType.Float32],
            node => new DenseSparseMatMulKernel(Matrix(node), null, null),
            _gpu is null ? null : node =>
            {
                var matrix = Matrix(node);
                return new DenseSparseMatMulKernel(matrix, _gpu, () => OnDevice(matrix));
            }),
    ];

    public GraphPassPlan Plan(IModelGraph graph, GraphPassContext context)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(context);
        var nodes = graph.Nodes.Where(n => n.Domain == GraphNode.SieveDomain && n.OpType == OpType).ToList();
        var lookedFor = $"{GraphNode.SieveDomain}::{OpType} node (a model written by `sieve quantize`; quantize this model first)";
        if (nodes.Count == 0)
        {
            return new GraphPassPlan([], []) { LookedFor = lookedFor };
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(graph.ModelPath)) ?? ".";
        QuantizationManifest manifest;
        try
        {
            manifest = QuantizationManifest.LoadVerified(folder);
            _matrices = QuantizedWeightsFile.Read(Path.Combine(folder, manifest.WeightsFile!));
        }
        catch (InvalidDataException invalid)
        {
            throw new NotSupportedException(invalid.Message.TrimEnd('.'), invalid);
        }
        var matches = new List<GraphPassMatch>();
        foreach (var node in nodes)
        {
            var weight = node.Attributes.TryGetValue("weight", out var value) ? value.AsString : "";
            if (!_matrices.TryGetValue(weight, out var matrix))
            {
                throw new NotSupportedException($"{node} names weight '{weight}', which the side file {manifest.WeightsFile} does not hold");
            }
            matches.Add(new GraphPassMatch([node], $"{node}: {node.Inputs[0]} · {weight} [{matrix.InputSize}, {matrix.OutputSize}] " +
                $"{matrix.Bits}-bit, {matrix.SparseCount} sparse"));
        }
        return new GraphPassPlan(matches, []) { LookedFor = lookedFor };
    }

    public void Apply(IModelGraph graph, GraphPassPlan plan)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(plan);
        // The nodes are the operator already; nothing to rewrite.
    }

    public void Dispose()
    {
        lock (_upload)
        {
            foreach (var matrix in _onDevice.Values)
            {
                matrix.Dispose();
            }
            _onDevice.Clear();
        }
    }

    private DenseSparseMatrix Matrix(INodeAttributes node)
    {
        var weight = node.GetString("weight", "");
        return _matrices.TryGetValue(weight, out var matrix) ? matrix
            : throw new InvalidOperationException($"node {node.NodeName} names weight '{weight}', which the side file does not hold");
    }

    private DeviceDenseSparseMatrix OnDevice(DenseSparseMatrix matrix)
    {
        lock (_upload)
        {
            if (!_onDevice.TryGetValue(matrix.Name, out var onDevice))
            {
                onDevice = new DeviceDenseSparseMatrix(_gpu!.Value.Device, matrix);
                _onDevice[matrix.Name] = onDevice;
            }
            return onDevice;
        }
    }
}
