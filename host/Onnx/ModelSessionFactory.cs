using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Sieve.Abstractions;
using Sieve.Host.Device;
using Sieve.Host.Onnx.Bridge;
using Sieve.Host.Onnx.Rewriting;
using Sieve.Host.Operators;

namespace Sieve.Host.Onnx;

/// <summary>
/// Loads a model for a job: untouched when no in-graph slot is chosen; otherwise rewritten so that the chosen
/// implementations replace what their slots cover, with every replaced node checked before anything runs.
/// </summary>
internal static class ModelSessionFactory
{
    /// <param name="path">The .onnx file.</param>
    /// <param name="setting">The configuration key that named it.</param>
    /// <param name="attention">The chosen <c>attention</c> implementation, or null for the model's own.</param>
    /// <param name="services">Handed to the implementation's factory.</param>
    /// <exception cref="SieveException">The file is bad, no attention matches, or the implementation refuses a node.</exception>
    public static ModelSession Create(string path, string setting, BoundOperator? attention, IServiceProvider services)
    {
        var device = services.GetService(typeof(ExecutionDevice)) as ExecutionDevice ?? ExecutionDevice.Cpu;
        if (attention is null)
        {
            return new ModelSession(OnnxSessionFactory.Create(path, setting, device), null, [], "attention=model's own graph", device);
        }
        var model = OnnxModelFile.Read(path);
        var (matches, unsupported) = AttentionFinder.Find(model);
        if (matches.Count == 0)
        {
            throw new SieveException($"Model {path} ({setting}): {attention} is selected but no attention in the model can be replaced. " +
                (unsupported.Count == 0
                    ? "Found no MatMul-Softmax-MatMul pattern, com.microsoft::Attention, MultiHeadAttention or GroupQueryAttention node, or ONNX Attention node."
                    : "Found: " + string.Join("; ", unsupported) + "."));
        }
        var implementation = (IAttention)attention.Create(services);
        foreach (var match in matches)
        {
            var a = match.Attributes;
            var problem = implementation.CheckSupport(new AttentionShape(a.QueryHeads, a.KeyValueHeads, a.HeadSize, a.Scale, a.Causal, a.Layer) { Device = device.Kind });
            if (problem is not null)
            {
                (implementation as IDisposable)?.Dispose();
                throw new SieveException($"Model {path} ({setting}): {attention} cannot run {match.Describe()}: {problem}.");
            }
        }
        var rewritten = AttentionRewriter.Rewrite(model, matches).ToByteArray();
        var domain = new CustomOpDomain([new AttentionCustomOp(implementation, attention, device.Layouts?.Value)]);
        try
        {
            var session = OnnxSessionFactory.Create(rewritten, path, setting, device, domain.AddTo);
            return new ModelSession(session, domain, [implementation],
                $"attention={attention.Implementation.Name} ({attention.Implementation.Origin}) on {matches.Count} nodes", device);
        }
        catch
        {
            domain.Dispose();
            (implementation as IDisposable)?.Dispose();
            throw;
        }
    }
}
