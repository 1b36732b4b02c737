using Sieve.Abstractions;
using Sieve.Host.Device;
using Sieve.Host.Operators;

namespace Sieve.Host.Onnx.Bridge;

/// <summary>
/// <c>ai.sieve::Attention</c>, computed by the configured <see cref="IAttention"/>: on the CPU execution provider, or,
/// given the device's <see cref="DeviceLayouts"/>, on the CUDA provider over device memory and ORT's stream.
/// </summary>
internal sealed class AttentionCustomOp(IAttention attention, BoundOperator chosen, DeviceLayouts? cuda = null)
    : ManagedCustomOp(AttentionNodeAttributes.OpType, cuda is null ? null : ExecutionDevice.CudaProvider)
{
    private const int Float = 1;
    private const int AnyType = 0;
    private static readonly int[] Inputs = [Float, Float, Float, AnyType];
    private static readonly bool[] Optional = [false, false, false, true];
    private static readonly int[] Outputs = [Float];

    protected override ReadOnlySpan<int> InputTypes => Inputs;

    protected override ReadOnlySpan<bool> OptionalInputs => Optional;

    protected override ReadOnlySpan<int> OutputTypes => Outputs;

    protected override OrtKernel CreateKernel(OrtKernelInfo info)
    {
        var description = $"{chosen.Implementation.FullName} ({chosen.Implementation.Origin}) in node '{info.SafeNodeName()}'";
        return cuda is null
            ? new AttentionKernel(attention, description, AttentionNodeAttributes.Read(info))
            : new CudaAttentionKernel(attention, description + " on CUDA", AttentionNodeAttributes.Read(info), cuda);
    }
}
