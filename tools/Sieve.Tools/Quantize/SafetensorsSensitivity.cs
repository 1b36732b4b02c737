using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Sieve.Tools.Quantize;

/// <summary>
/// Reads <c>--sensitivity F</c>: a safetensors file (8-byte little-endian header length, a JSON header
/// <c>{"NAME": {"dtype": "F32"|"F16"|"BF16", "shape": [K, N], "data_offsets": [begin, end]}, ...}</c>, then the data)
/// holding per weight the diagonal of the Fisher information (mean squared gradient over calibration text), named by the
/// ONNX initializer and in its [K, N] layout (a PyTorch Linear's weight.grad is [N, K]: transpose it).
/// </summary>
internal static class SafetensorsSensitivity
{
    /// <exception cref="SieveException">The file is missing or not a safetensors file (the message names it).</exception>
    public static Dictionary<string, (long[] Shape, float[] Values)> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new SieveException($"--sensitivity {path}: file not found.");
        }
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8)
        {
            throw new SieveException($"--sensitivity {path} is not a safetensors file (shorter than its header length).");
        }
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)bytes.Length - 8)
        {
            throw new SieveException($"--sensitivity {path} is not a safetensors file (a header of {headerLength} bytes in a file of {bytes.Length}).");
        }
        var tensors = new Dictionary<string, (long[], float[])>(StringComparer.Ordinal);
        try
        {
            using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
            var dataStart = 8 + (int)headerLength;
            foreach (var entry in header.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    continue;
                }
                var dtype = entry.Value.GetProperty("dtype").GetString();
                var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                var begin = dataStart + offsets[0];
                var length = offsets[1] - offsets[0];
                if (begin < dataStart || begin + length > bytes.Length)
                {
                    throw new SieveException($"--sensitivity {path}: tensor {entry.Name} lies outside the file.");
                }
                var data = bytes.AsSpan((int)begin, (int)length);
                float[] values = dtype switch
                {
                    "F32" => MemoryMarshal.Cast<byte, float>(data).ToArray(),
                    "F16" => [.. MemoryMarshal.Cast<byte, Half>(data).ToArray().Select(h => (float)h)],
                    "BF16" => [.. MemoryMarshal.Cast<byte, ushort>(data).ToArray().Select(b => BitConverter.Int32BitsToSingle(b << 16))],
                    _ => throw new SieveException($"--sensitivity {path}: tensor {entry.Name} has dtype {dtype}; F32, F16 or BF16 expected."),
                };
                tensors[entry.Name] = (shape, values);
            }
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new SieveException($"--sensitivity {path} is not a safetensors file ({error.Message}).", error);
        }
        return tensors;
    }
}
