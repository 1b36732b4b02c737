using Google.Protobuf;
using Sieve.Host.Onnx.Proto;

namespace Sieve.Host.Onnx.Graph;

/// <summary>Who produces and who consumes each tensor of a graph, and the values of constant tensors.</summary>
internal sealed class GraphIndex
{
    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ValueInfoProto> _declared = new(StringComparer.Ordinal);
    private readonly HashSet<string> _graphOutputs;

    public GraphIndex(GraphProto graph)
    {
        Graph = graph;
        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output)
            {
                _producers[output] = node;
            }
            foreach (var input in node.Input.Where(i => i.Length > 0))
            {
                if (!_consumers.TryGetValue(input, out var list))
                {
                    _consumers[input] = list = [];
                }
                list.Add(node);
            }
        }
        foreach (var initializer in graph.Initializer)
        {
            _initializers[initializer.Name] = initializer;
        }
        foreach (var info in graph.Input.Concat(graph.ValueInfo).Concat(graph.Output))
        {
            _declared.TryAdd(info.Name, info);
        }
        _graphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
    }

    public GraphProto Graph { get; }

    public NodeProto? Producer(string tensor) => _producers.GetValueOrDefault(tensor);

    public IReadOnlyList<NodeProto> Consumers(string tensor) => _consumers.TryGetValue(tensor, out var list) ? list : [];

    /// <summary>Whether only <paramref name="consumer"/> reads <paramref name="tensor"/> (so it can disappear with it).</summary>
    public bool OnlyFeeds(string tensor, NodeProto consumer) =>
        !_graphOutputs.Contains(tensor) && Consumers(tensor) is [var only] && ReferenceEquals(only, consumer);

    /// <summary>A constant tensor's values as doubles (initializer or Constant node), or null.</summary>
    public double[]? Constant(string tensor)
    {
        var proto = _initializers.GetValueOrDefault(tensor)
            ?? (Producer(tensor) is { OpType: "Constant" } constant ? constant.Attribute.FirstOrDefault(a => a.Name == "value")?.T : null);
        return proto is null ? null : Values(proto);
    }

    /// <summary>
    /// A tensor's declared dimensions (initializer, graph input or output, value_info), −1 where a dimension is symbolic
    /// or missing; null when its rank is not declared.
    /// </summary>
    public long[]? Shape(string tensor)
    {
        if (_initializers.TryGetValue(tensor, out var initializer))
        {
            return [.. initializer.Dims];
        }
        return _declared.GetValueOrDefault(tensor)?.Type?.TensorType?.Shape is { } shape
            ? [.. shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : -1)]
            : null;
    }

    /// <summary>A tensor's declared element type (<see cref="TensorProto.Types.DataType"/>), or null when undeclared.</summary>
    public TensorProto.Types.DataType? ElementType(string tensor)
    {
        if (_initializers.TryGetValue(tensor, out var initializer))
        {
            return (TensorProto.Types.DataType)initializer.DataType;
        }
        return _declared.GetValueOrDefault(tensor)?.Type?.TensorType is { ElemType: > 0 } declared ? (TensorProto.Types.DataType)declared.ElemType : null;
    }

    private static double[]? Values(TensorProto tensor)
    {
        var type = (TensorProto.Types.DataType)tensor.DataType;
        var raw = tensor.RawData;
        return type switch
        {
            TensorProto.Types.DataType.Float => raw.Length > 0 ? Read(raw, 4, b => BitConverter.ToSingle(b)) : tensor.FloatData.Select(f => (double)f).ToArray(),
            TensorProto.Types.DataType.Double => raw.Length > 0 ? Read(raw, 8, b => BitConverter.ToDouble(b)) : tensor.DoubleData.ToArray(),
            TensorProto.Types.DataType.Int64 => raw.Length > 0 ? Read(raw, 8, b => BitConverter.ToInt64(b)) : tensor.Int64Data.Select(i => (double)i).ToArray(),
            TensorProto.Types.DataType.Int32 => raw.Length > 0 ? Read(raw, 4, b => BitConverter.ToInt32(b)) : tensor.Int32Data.Select(i => (double)i).ToArray(),
            _ => null,
        };
    }

    private static double[] Read(ByteString raw, int size, Func<byte[], double> convert)
    {
        var bytes = raw.ToByteArray();
        var values = new double[bytes.Length / size];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = convert(bytes[(i * size)..((i + 1) * size)]);
        }
        return values;
    }
}
