using Sieve.Abstractions;

namespace Sieve.Host.Onnx.Bridge;

/// <summary>ONNX's element type numbers (<c>TensorProto.DataType</c>) for the types Sieve's views carry.</summary>
internal static class OnnxElementTypes
{
    public static int ToOnnx(TensorElementType type) => type switch
    {
        TensorElementType.Float32 => 1,
        TensorElementType.UInt8 => 2,
        TensorElementType.Int8 => 3,
        TensorElementType.Int32 => 6,
        TensorElementType.Int64 => 7,
        TensorElementType.Bool => 9,
        TensorElementType.Float16 => 10,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no ONNX element type"),
    };

    public static TensorElementType? FromOnnx(int type) => type switch
    {
        1 => TensorElementType.Float32,
        2 => TensorElementType.UInt8,
        3 => TensorElementType.Int8,
        6 => TensorElementType.Int32,
        7 => TensorElementType.Int64,
        9 => TensorElementType.Bool,
        10 => TensorElementType.Float16,
        _ => null,
    };
}
