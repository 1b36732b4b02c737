using Google.Protobuf;
using Sieve.Host.Onnx.Proto;

namespace Sieve.Host.Tests.Testing;

/// <summary>Small ONNX graphs written in code, to test the rewriter on node kinds the real model does not use.</summary>
internal static class TinyModels
{
    /// <summary>A tensor's declaration; a negative dimension is symbolic (named after its axis).</summary>
    public static ValueInfoProto Tensor(string name, TensorProto.Types.DataType type, params long[] dims)
    {
        var shape = new TensorShapeProto();
        for (var i = 0; i < dims.Length; i++)
        {
            shape.Dim.Add(dims[i] >= 0
                ? new TensorShapeProto.Types.Dimension { DimValue = dims[i] }
                : new TensorShapeProto.Types.Dimension { DimParam = $"{name}_dim{i}" });
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    /// <summary>A tensor's declaration with named symbolic dimensions (a string) beside fixed ones (an int).</summary>
    public static ValueInfoProto NamedTensor(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d is string symbol ? new TensorShapeProto.Types.Dimension { DimParam = symbol } : new TensorShapeProto.Types.Dimension { DimValue = (int)d });
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { values } };

    /// <summary>A float initializer.</summary>
    public static TensorProto Initializer(string name, float[] values, params long[] dims) =>
        new() { Name = name, DataType = (int)TensorProto.Types.DataType.Float, Dims = { dims }, FloatData = { values } };

    /// <summary>A model with one node and the given inputs and outputs.</summary>
    public static ModelProto Single(NodeProto node, IEnumerable<ValueInfoProto> inputs, IEnumerable<ValueInfoProto> outputs, params (string Domain, long Version)[] opsets)
    {
        var graph = new GraphProto { Name = "tiny" };
        graph.Node.Add(node);
        graph.Input.AddRange(inputs);
        graph.Output.AddRange(outputs);
        var model = new ModelProto { IrVersion = 10, Graph = graph, ProducerName = "sieve-tests" };
        foreach (var (domain, version) in opsets)
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        }
        return model;
    }

    public static string Save(ModelProto model, TempFolder folder, string name)
    {
        var path = folder.File(name);
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }
}
