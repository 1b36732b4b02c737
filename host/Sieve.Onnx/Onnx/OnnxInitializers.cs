using System.Runtime.InteropServices;
using Sieve.Host.Onnx.Proto;

namespace Sieve.Host.Onnx;

/// <summary>Reads constant weights (initializers) out of a model file, e.g. an embedding matrix to reuse as a projection.</summary>
internal static class OnnxInitializers
{
    /// <summary>
    /// The float matrix [rows, columns] named <paramref name="name"/>, or when the name is empty the only initializer of
    /// that shape.
    /// </summary>
    /// <exception cref="SieveException">No such initializer, several candidates, or not float data.</exception>
    public static float[] ReadMatrix(string path, string? name, int rows, int columns)
    {
        var graph = OnnxModelFile.Read(path).Graph;
        TensorProto? found;
        if (!string.IsNullOrEmpty(name))
        {
            found = graph.Initializer.FirstOrDefault(i => i.Name == name)
                ?? throw new SieveException($"Model {path} has no initializer named {name}.");
        }
        else
        {
            var candidates = graph.Initializer.Where(i => i.Dims.Count == 2 && i.Dims[0] == rows && i.Dims[1] == columns).ToList();
            if (candidates.Count != 1)
            {
                throw new SieveException($"Model {path} has {candidates.Count} initializers of shape [{rows}, {columns}]; name the one to use.");
            }
            found = candidates[0];
        }
        if (found.Dims.Count != 2 || found.Dims[0] != rows || found.Dims[1] != columns)
        {
            throw new SieveException($"Initializer {found.Name} of {path} has shape [{string.Join(", ", found.Dims)}], expected [{rows}, {columns}].");
        }
        if (found.DataType != (int)TensorProto.Types.DataType.Float)
        {
            throw new SieveException($"Initializer {found.Name} of {path} is not float32 (data type {found.DataType}).");
        }
        var values = found.RawData.Length > 0
            ? MemoryMarshal.Cast<byte, float>(found.RawData.Span).ToArray()
            : found.FloatData.ToArray();
        if (values.Length != rows * columns)
        {
            throw new SieveException($"Initializer {found.Name} of {path} holds {values.Length} values, expected {rows * columns} (external data is not supported).");
        }
        return values;
    }
}
