using Google.Protobuf;
using Sieve.Abstractions;
using Sieve.Host.Device;
using Sieve.Host.Onnx;
using Sieve.Host.Onnx.Bridge;
using Sieve.Host.Onnx.Graph;

namespace Sieve.Tools.Models;

/// <summary>A CPU session of a model rewritten by one graph pass that a tool made itself (a recorder, a profiler).</summary>
internal static class PassSession
{
    /// <param name="verb">How the tool names the model in errors, e.g. <c>sieve profile MODEL</c>.</param>
    public static ModelSession Create(string modelPath, IGraphPass pass, string verb)
    {
        var graph = new OnnxModelGraph(OnnxModelFile.Read(modelPath), modelPath);
        pass.Apply(graph, pass.Plan(graph, new GraphPassContext(DeviceKind.Cpu, pass.Name)));
        graph.Complete();
        var domain = new CustomOpDomain(pass.Operators.Select(op => new PassCustomOp(op, pass.Name, DeviceKind.Cpu)));
        return new ModelSession(OnnxSessionFactory.Create(graph.Model.ToByteArray(), modelPath, verb, ExecutionDevice.Cpu, domain.AddTo),
            domain, [], pass.Name, ExecutionDevice.Cpu);
    }
}
