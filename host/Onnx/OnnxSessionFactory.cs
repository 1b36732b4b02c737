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
        return Create(options => new InferenceSession(path, options), path, setting, null);
    }

    /// <summary>Creates a session from model bytes (a rewritten model), configuring the options first.</summary>
    public static InferenceSession Create(byte[] model, string path, string setting, Action<SessionOptions>? configure) =>
        Create(options => new InferenceSession(model, options), path, setting, configure);

    private static InferenceSession Create(Func<SessionOptions, InferenceSession> create, string path, string setting, Action<SessionOptions>? configure)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = Environment.ProcessorCount,
        };
        configure?.Invoke(options);
        try
        {
            return create(options);
        }
        catch (OnnxRuntimeException error)
        {
            throw new SieveException($"Model file {path} ({setting}) could not be loaded by ONNX Runtime: {error.Message}", error);
        }
    }
}
