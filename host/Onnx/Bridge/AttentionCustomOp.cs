using Sieve.Abstractions;
using Sieve.Host.Operators;

namespace Sieve.Host.Onnx.Bridge;

/// <summary><c>ai.sieve::Attention</c> on the CPU execution provider, computed by the configured <see cref="IAttention"/>.</summary>
internal sealed class AttentionCustomOp(IAttention attention, BoundOperator chosen) : ManagedCustomOp(AttentionNodeAttributes.OpType)
{
    private const int Float = 1;
    private const int AnyType = 0;
    private static readonly int[] Inputs = [Float, Float, Float, AnyType];
    private static readonly bool[] Optional = [false, false, false, true];
    private static readonly int[] Outputs = [Float];

    protected override ReadOnlySpan<int> InputTypes => Inputs;

    protected override ReadOnlySpan<bool> OptionalInputs => Optional;

    protected override ReadOnlySpan<int> OutputTypes => Outputs;

    protected override OrtKernel CreateKernel(OrtKernelInfo info) =>
        new AttentionKernel(attention, $"{chosen.Implementation.FullName} ({chosen.Implementation.Origin}) in node '{info.SafeNodeName()}'", AttentionNodeAttributes.Read(info));
}
