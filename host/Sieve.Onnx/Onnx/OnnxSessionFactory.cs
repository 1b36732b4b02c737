using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using Sieve.Abstractions;
using Sieve.Host.Device;

namespace Sieve.Host.Onnx;

/// <summary>Creates ONNX Runtime sessions with Sieve's defaults and turns load failures into messages naming the file.</summary>
internal static class OnnxSessionFactory
{
    /// <param name="path">The .onnx file.</param>
    /// <param name="setting">The configuration key that named it, for messages.</param>
    /// <exception cref="SieveException">The file is missing or is not a model ONNX Runtime can load.</exception>
    /// <param name="device">Where the session runs.</param>
    public static InferenceSession Create(string path, string setting, ExecutionDevice device)
    {
        if (!File.Exists(path))
        {
            throw new SieveException($"Model file not found: {path} ({setting}).");
        }
        return Create(options => new InferenceSession(path, options), path, setting, device, null);
    }

    /// <summary>
    /// Creates a session for a rewritten model whose managed operators <paramref name="addManagedOperators"/> registers.
    /// </summary>
    public static InferenceSession Create(byte[] model, string path, string setting, ExecutionDevice device, Action<SessionOptions> addManagedOperators) =>
        Create(options => new InferenceSession(model, options), path, setting, device, addManagedOperators);

    private static InferenceSession Create(Func<SessionOptions, InferenceSession> create, string path, string setting, ExecutionDevice device,
        Action<SessionOptions>? addManagedOperators)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = Environment.ProcessorCount,
            // ORT's warnings (e.g. shape nodes kept on the CPU beside the CUDA provider, by design) would bury the job's own log.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            device.AddProvider(options);
        }
        catch (OnnxRuntimeException error)
        {
            throw new SieveException($"Model {path} ({setting}): ONNX Runtime's provider for {device.Description} could not start: {error.Message}", error);
        }
        if (addManagedOperators is not null)
        {
            // Managed operators run their loops on ORT's own intra-op pool (OrtIntraOpRunner), so ORT keeps its
            // defaults, spinning included: on 2 cores, spinning off cost the short-sentence embed job 18% (bench/results, 2026-11-27).
            addManagedOperators(options);
        }
        try
        {
            return create(options);
        }
        catch (OnnxRuntimeException error) when (SieveOperatorIn(error.Message) is { } op)
        {
            throw new SieveException($"Model file {path} ({setting}) uses Sieve's operator {GraphNode.SieveDomain}::{op}, which no chosen " +
                "operator provides: the model was written by a Sieve tool (e.g. sieve quantize; its manifest in the model's folder names " +
                "the implementation), so choose that implementation under Sieve:Operators (sieve plugins lists them).", error);
        }
        catch (OnnxRuntimeException error)
        {
            throw new SieveException($"Model file {path} ({setting}) could not be loaded by ONNX Runtime: {error.Message}", error);
        }
    }

    /// <summary>The Sieve operator ONNX Runtime did not know, from its load error (e.g. "ai.sieve:DenseSparseMatMul(-1) is not a registered function/op").</summary>
    private static string? SieveOperatorIn(string message)
    {
        var match = Regex.Match(message, Regex.Escape(GraphNode.SieveDomain) + @":(\w+)");
        return match.Success ? match.Groups[1].Value : null;
    }
}
