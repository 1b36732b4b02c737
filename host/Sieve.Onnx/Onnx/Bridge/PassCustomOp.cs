using Sieve.Abstractions;
using Sieve.Host.Device;
using Sieve.Cuda;

namespace Sieve.Host.Onnx.Bridge;

/// <summary>
/// Registers a graph pass's <see cref="CustomOperator"/> with ORT: on a CUDA session its CUDA kernel (if it has one) on
/// the CUDA provider, with ORT's compute stream made current for each call; otherwise its CPU kernel on the CPU
/// provider. Errors name the pass and the node.
/// </summary>
internal sealed class PassCustomOp : ManagedCustomOp
{
    private readonly CustomOperator _operator;
    private readonly string _passName;
    private readonly DeviceKind _device;
    private readonly int[] _inputTypes;
    private readonly bool[] _optional;
    private readonly int[] _outputTypes;

    /// <param name="op">The operator.</param>
    /// <param name="passName">The pass that declared it, for messages (e.g. <c>weight-quant/dense (built-in)</c>).</param>
    /// <param name="session">Where the session runs.</param>
    public PassCustomOp(CustomOperator op, string passName, DeviceKind session)
        : base(op.OpType, session == DeviceKind.Cuda && op.CreateCudaKernel is not null ? ExecutionDevice.CudaProvider : null)
    {
        _operator = op;
        _passName = passName;
        _device = session == DeviceKind.Cuda && op.CreateCudaKernel is not null ? DeviceKind.Cuda : DeviceKind.Cpu;
        // 0: any element type.
        _inputTypes = op.Inputs.Select(i => i.ElementType is { } type ? OnnxElementTypes.ToOnnx(type) : 0).ToArray();
        _optional = op.Inputs.Select(i => i.Optional).ToArray();
        _outputTypes = op.Outputs.Select(OnnxElementTypes.ToOnnx).ToArray();
    }

    protected override ReadOnlySpan<int> InputTypes => _inputTypes;

    protected override ReadOnlySpan<bool> OptionalInputs => _optional;

    protected override ReadOnlySpan<int> OutputTypes => _outputTypes;

    protected override OrtKernel CreateKernel(OrtKernelInfo info)
    {
        var attributes = new OrtNodeAttributes(info);
        var kernel = _device == DeviceKind.Cuda ? _operator.CreateCudaKernel!(attributes) : _operator.CreateCpuKernel(attributes);
        return new Kernel(kernel, $"{_passName} in node '{attributes.NodeName}'{(_device == DeviceKind.Cuda ? " on CUDA" : "")}", _device, _operator.Outputs);
    }

    private sealed class Kernel(ICustomKernel kernel, string description, DeviceKind device, IReadOnlyList<TensorElementType> outputs) : OrtKernel
    {
        public override string Description => description;

        public override void Compute(OrtKernelContext context)
        {
            if (device == DeviceKind.Cuda)
            {
                using var stream = CudaStreamScope.Enter(context.GpuComputeStream);
                kernel.Compute(new OrtCustomKernelContext(context, device, outputs));
                return;
            }
            kernel.Compute(new OrtCustomKernelContext(context, device, outputs));
        }
    }
}
