using Microsoft.ML.OnnxRuntime;

namespace Sieve.Host.Onnx;

/// <summary>Creates ONNX Runtime sessions with Sieve's defaults and turns load failures into messages naming the file.</summary>
internal static class OnnxSessionFactory
{
    /// <param name="path">The .onnx file.</param>
    /// <param name="setting">The configuration key that named it, for messages.</param>
    /// <exception cref="SieveException">The file is missing or is not a model ONNX Runtime can load.</exception>
    public static InferenceSession Create(string path, string setting)
    {
        if (!File.Exists(path))
        {
            throw new SieveException($"Model file not found: {path} ({setting}).");
        }
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = Environment.ProcessorCount,
        };
        try
        {
            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException error)
        {
            throw new SieveException($"Model file {path} ({setting}) could not be loaded by ONNX Runtime: {error.Message}", error);
        }
    }
}
