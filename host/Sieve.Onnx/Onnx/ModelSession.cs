using Microsoft.ML.OnnxRuntime;
using Sieve.Abstractions;
using Sieve.Host.Device;
using Sieve.Host.Onnx.Bridge;

namespace Sieve.Host.Onnx;

/// <summary>
/// An ONNX Runtime session, with the custom-op domain, operator instances and graph passes its rewritten graph calls
/// into. Disposal releases the session first, then the domain, then what the passes made (last made, first released):
/// ORT holds pointers into them until then.
/// </summary>
internal sealed class ModelSession : IDisposable
{
    private readonly CustomOpDomain? _domain;
    private readonly IReadOnlyList<object> _owned;

    private readonly DeviceKind _device;
    private OrtMemoryInfo? _gpuMemory;

    public ModelSession(InferenceSession session, CustomOpDomain? domain, IReadOnlyList<object> owned, string operatorSummary, ExecutionDevice device)
    {
        Execution = device;
        _device = device.Kind;
        Session = session;
        _domain = domain;
        _owned = owned;
        OperatorSummary = operatorSummary;
    }

    public InferenceSession Session { get; }

    /// <summary>Where the session runs.</summary>
    public DeviceKind Device => _device;

    /// <summary>The device the session runs on, with its GPU when on CUDA.</summary>
    public ExecutionDevice Execution { get; }

    /// <summary>Which implementation fills each in-graph slot, e.g. <c>weight-quant=dense (built-in) on 36 nodes</c>.</summary>
    public string OperatorSummary { get; }

    /// <summary>Runs the session with a fresh run-scoped context for the operators (one per batch).</summary>
    public IDisposableReadOnlyCollection<OrtValue> Run(RunOptions options, IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs, IReadOnlyCollection<string> outputNames)
    {
        using var scope = OperatorRunScope.Begin(new OperatorRunContext(_device));
        return Session.Run(options, inputNames, inputs, outputNames);
    }

    /// <summary>
    /// Runs the session with inputs and one output bound to memory the caller owns (IOBinding): ORT reads the inputs and
    /// writes the output there directly (on CUDA: one copy each way, no intermediate tensors on the host).
    /// </summary>
    public void Run(RunOptions options, IReadOnlyList<string> inputNames, IReadOnlyList<OrtValue> inputs, string outputName, OrtValue output)
    {
        using var scope = OperatorRunScope.Begin(new OperatorRunContext(_device));
        using var binding = Session.CreateIoBinding();
        for (var i = 0; i < inputNames.Count; i++)
        {
            binding.BindInput(inputNames[i], inputs[i]);
        }
        binding.BindOutput(outputName, output);
        Session.RunWithBinding(options, binding);
    }

    /// <summary>
    /// Runs the session on a binding with <paramref name="run"/> as the operators' run-scoped context: a caller that
    /// passes the same context to several runs (the steps of one generation batch) lets operators keep state between them.
    /// </summary>
    public void RunWithBinding(RunOptions options, OrtIoBinding binding, OperatorRunContext run)
    {
        using var scope = OperatorRunScope.Begin(run);
        Session.RunWithBinding(options, binding);
    }

    /// <summary>
    /// An ORT fp32 tensor over GPU memory the caller owns (in the primary context ORT uses too), for binding inputs or
    /// outputs of a CUDA session.
    /// </summary>
    public OrtValue GpuTensor(DeviceAddress address, long[] shape)
    {
        var gpu = Execution.Gpu ?? throw new InvalidOperationException("The session does not run on a GPU.");
        _gpuMemory ??= new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, gpu.Ordinal, OrtMemType.Default);
        long elements = 1;
        foreach (var dimension in shape)
        {
            elements *= dimension;
        }
        return OrtValue.CreateTensorValueWithData(_gpuMemory, Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float, shape,
            checked((nint)address.Value), elements * sizeof(float));
    }

    public void Dispose()
    {
        _gpuMemory?.Dispose();
        Session.Dispose();
        _domain?.Dispose();
        foreach (var disposable in _owned.OfType<IDisposable>().Reverse())
        {
            disposable.Dispose();
        }
    }
}
