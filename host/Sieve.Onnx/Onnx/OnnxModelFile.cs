using Google.Protobuf;
using Sieve.Host.Onnx.Proto;

namespace Sieve.Host.Onnx;

/// <summary>Reads an .onnx file's protobuf (graph, opsets, initializers) without running it.</summary>
internal static class OnnxModelFile
{
    /// <exception cref="SieveException">The file is missing or is not an ONNX model.</exception>
    public static ModelProto Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new SieveException($"Model file not found: {path}.");
        }
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException error)
        {
            throw new SieveException($"Model file {path} is not an ONNX model (protobuf parsing failed: {error.Message}).", error);
        }
        if (model.Graph is null || model.OpsetImport.Count == 0)
        {
            throw new SieveException($"Model file {path} is not an ONNX model: it has no graph or no opset import.");
        }
        return model;
    }
}
