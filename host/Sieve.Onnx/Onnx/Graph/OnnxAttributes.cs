using Sieve.Host.Onnx.Proto;

namespace Sieve.Host.Onnx.Graph;

/// <summary>Node attributes for the nodes the rewriter inserts.</summary>
internal static class OnnxAttributes
{
    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Ints(string name, params long[] values) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { values } };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8(value) };

    /// <summary>The <c>value</c> of a Constant node.</summary>
    public static AttributeProto Value(TensorProto tensor) => new() { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = tensor };
}
