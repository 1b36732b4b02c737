using System.Runtime.InteropServices;
using Google.Protobuf;
using Sieve.Abstractions;
using Sieve.Host.Onnx.Proto;

namespace Sieve.Host.Onnx.Graph;

/// <summary>
/// <see cref="IModelGraph"/> over an ONNX protobuf, for the graph passes of one model load. Built-in passes may work on
/// <see cref="Model"/> directly; plugin passes see only the contract's view. Not thread-safe.
/// </summary>
internal sealed class OnnxModelGraph : IModelGraph
{
    /// <summary>The version of the <see cref="GraphNode.SieveDomain"/> opset rewritten models import.</summary>
    public const long SieveDomainVersion = 1;

    private ModelProto _model;
    private GraphIndex _index = null!;
    private List<GraphNode> _nodes = null!;
    private Dictionary<GraphNode, NodeProto> _protoOf = null!;
    private Dictionary<NodeProto, GraphNode> _nodeOf = new(ReferenceEqualityComparer.Instance);

    public OnnxModelGraph(ModelProto model, string path)
    {
        _model = model;
        ModelPath = path;
        Refresh();
    }

    public string ModelPath { get; }

    /// <summary>The protobuf; a built-in pass that rewrites a copy sets the copy here.</summary>
    public ModelProto Model
    {
        get => _model;
        set
        {
            _model = value;
            Refresh();
        }
    }

    public IReadOnlyList<GraphNode> Nodes => _nodes;

    /// <summary>The contract's view of a protobuf node of <see cref="Model"/>.</summary>
    public GraphNode NodeOf(NodeProto node) => _nodeOf[node];

    /// <summary>The view a contract-level pass was handed.</summary>
    /// <exception cref="ArgumentException">The graph is not the host's protobuf graph.</exception>
    public static OnnxModelGraph Of(IModelGraph graph) =>
        graph as OnnxModelGraph ?? throw new ArgumentException("Built-in passes run on the host's ONNX graph.", nameof(graph));

    public long OpsetVersion(string domain)
    {
        var wanted = domain == "ai.onnx" ? "" : domain;
        return _model.OpsetImport.FirstOrDefault(o => o.Domain == wanted || (wanted.Length == 0 && o.Domain == "ai.onnx"))?.Version ?? 0;
    }

    public GraphNode? Producer(string tensor) => _index.Producer(tensor) is { } node ? _nodeOf[node] : null;

    public IReadOnlyList<GraphNode> Consumers(string tensor) => _index.Consumers(tensor).Select(n => _nodeOf[n]).ToList();

    public bool IsGraphOutput(string tensor) => _model.Graph.Output.Any(o => o.Name == tensor);

    public bool TryGetConstant(string tensor, out GraphConstant constant)
    {
        var proto = _model.Graph.Initializer.FirstOrDefault(i => i.Name == tensor)
            ?? (_index.Producer(tensor) is { OpType: "Constant" } node ? node.Attribute.FirstOrDefault(a => a.Name == "value")?.T : null);
        if (proto is null)
        {
            constant = null!;
            return false;
        }
        var type = (TensorProto.Types.DataType)proto.DataType;
        constant = new GraphConstant(tensor, ElementType(type), new TensorShape([.. proto.Dims]), IsNumeric(type) ? () => Floats(proto) : null);
        return true;
    }

    public void Replace(IReadOnlyList<GraphNode> nodes, IReadOnlyList<GraphNode> replacement)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(replacement);
        var graph = _model.Graph.Node;
        var positions = nodes.Select(n => _protoOf.TryGetValue(n, out var proto) ? graph.IndexOf(proto)
            : throw new ArgumentException($"{n} is not in the graph (was it replaced already?).", nameof(nodes))).ToList();
        var insertAt = positions.Max() - positions.Count(p => p < positions.Max());
        foreach (var position in positions.OrderDescending())
        {
            graph.RemoveAt(position);
        }
        foreach (var (offset, node) in replacement.Select((n, i) => (i, n)))
        {
            graph.Insert(insertAt + offset, ToProto(node));
        }
        Refresh();
    }

    /// <summary>
    /// Ends the passes: drops constants that nothing reads any more (as ORT would, with a warning) and imports the
    /// <see cref="GraphNode.SieveDomain"/> domain when a node uses it.
    /// </summary>
    public void Complete()
    {
        Finish(_model);
        Refresh();
    }

    /// <summary><see cref="Complete"/> on a protobuf alone (for a rewrite done outside a graph view).</summary>
    public static void Finish(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        var used = graph.Node.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var constant in graph.Node.Where(n => n.OpType == "Constant" && n.Output.All(o => !used.Contains(o))).ToList())
        {
            graph.Node.Remove(constant);
        }
        var unused = graph.Initializer.Where(i => !used.Contains(i.Name)).ToList();
        foreach (var initializer in unused)
        {
            graph.Initializer.Remove(initializer);
        }
        foreach (var input in graph.Input.Where(i => unused.Any(u => u.Name == i.Name)).ToList())
        {
            graph.Input.Remove(input);
        }
        if (graph.Node.Any(n => n.Domain == GraphNode.SieveDomain) && !model.OpsetImport.Any(o => o.Domain == GraphNode.SieveDomain))
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = GraphNode.SieveDomain, Version = SieveDomainVersion });
        }
    }

    /// <summary>Rebuilds the views; a node whose protobuf is unchanged keeps its <see cref="GraphNode"/>, so a plan's later
    /// matches stay valid while its earlier ones are replaced.</summary>
    private void Refresh()
    {
        var previous = _nodeOf;
        _index = new GraphIndex(_model.Graph);
        _nodes = new List<GraphNode>(_model.Graph.Node.Count);
        _protoOf = new Dictionary<GraphNode, NodeProto>(ReferenceEqualityComparer.Instance);
        _nodeOf = new Dictionary<NodeProto, GraphNode>(ReferenceEqualityComparer.Instance);
        foreach (var proto in _model.Graph.Node)
        {
            var node = previous.GetValueOrDefault(proto) ?? ToGraphNode(proto);
            _nodes.Add(node);
            _protoOf[node] = proto;
            _nodeOf[proto] = node;
        }
    }

    private static GraphNode ToGraphNode(NodeProto proto)
    {
        var attributes = new Dictionary<string, NodeAttributeValue>(StringComparer.Ordinal);
        foreach (var attribute in proto.Attribute)
        {
            // Tensor and graph attributes have no contract form; passes that need them are built in.
            NodeAttributeValue? value = attribute.Type switch
            {
                AttributeProto.Types.AttributeType.Int => NodeAttributeValue.Of(attribute.I),
                AttributeProto.Types.AttributeType.Float => NodeAttributeValue.Of(attribute.F),
                AttributeProto.Types.AttributeType.String => NodeAttributeValue.Of(attribute.S.ToStringUtf8()),
                AttributeProto.Types.AttributeType.Ints => NodeAttributeValue.Of([.. attribute.Ints]),
                AttributeProto.Types.AttributeType.Floats => NodeAttributeValue.Of([.. attribute.Floats]),
                _ => null,
            };
            if (value is not null)
            {
                attributes[attribute.Name] = value;
            }
        }
        return new GraphNode(proto.Name, proto.OpType, proto.Domain, [.. proto.Input], [.. proto.Output], attributes);
    }

    private NodeProto ToProto(GraphNode node) => _protoOf.TryGetValue(node, out var existing) ? existing.Clone() : new NodeProto
    {
        Name = node.Name,
        OpType = node.OpType,
        Domain = node.Domain,
        Input = { node.Inputs },
        Output = { node.Outputs },
        Attribute = { node.Attributes.Select(a => ToProto(a.Key, a.Value)) },
    };

    private static AttributeProto ToProto(string name, NodeAttributeValue attribute) => attribute.Value switch
    {
        long value => OnnxAttributes.Int(name, value),
        float value => OnnxAttributes.Float(name, value),
        string value => OnnxAttributes.String(name, value),
        long[] values => OnnxAttributes.Ints(name, values),
        float[] values => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats, Floats = { values } },
        _ => throw new NotSupportedException($"attribute {name} has no ONNX form"),
    };

    private static TensorElementType? ElementType(TensorProto.Types.DataType type) => type switch
    {
        TensorProto.Types.DataType.Float => TensorElementType.Float32,
        TensorProto.Types.DataType.Float16 => TensorElementType.Float16,
        TensorProto.Types.DataType.Int8 => TensorElementType.Int8,
        TensorProto.Types.DataType.Uint8 => TensorElementType.UInt8,
        TensorProto.Types.DataType.Int32 => TensorElementType.Int32,
        TensorProto.Types.DataType.Int64 => TensorElementType.Int64,
        TensorProto.Types.DataType.Bool => TensorElementType.Bool,
        _ => null,
    };

    private static bool IsNumeric(TensorProto.Types.DataType type) =>
        type is TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Float16 or TensorProto.Types.DataType.Int32 or TensorProto.Types.DataType.Int64;

    private static float[] Floats(TensorProto tensor)
    {
        var raw = tensor.RawData.Span;
        return (TensorProto.Types.DataType)tensor.DataType switch
        {
            TensorProto.Types.DataType.Float => raw.Length > 0 ? MemoryMarshal.Cast<byte, float>(raw).ToArray() : [.. tensor.FloatData],
            TensorProto.Types.DataType.Float16 => Widen(raw.Length > 0 ? MemoryMarshal.Cast<byte, Half>(raw).ToArray() : tensor.Int32Data.Select(bits => BitConverter.UInt16BitsToHalf((ushort)bits)).ToArray()),
            TensorProto.Types.DataType.Int32 => raw.Length > 0 ? MemoryMarshal.Cast<byte, int>(raw).ToArray().Select(i => (float)i).ToArray() : tensor.Int32Data.Select(i => (float)i).ToArray(),
            _ => raw.Length > 0 ? MemoryMarshal.Cast<byte, long>(raw).ToArray().Select(i => (float)i).ToArray() : tensor.Int64Data.Select(i => (float)i).ToArray(),
        };
    }

    private static float[] Widen(Half[] halves) => Array.ConvertAll(halves, h => (float)h);
}
