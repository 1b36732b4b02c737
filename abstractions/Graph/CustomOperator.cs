namespace Sieve.Abstractions;

/// <summary>
/// A custom operator of the <see cref="GraphNode.SieveDomain"/> domain, computed in managed code. The host registers
/// it with ONNX Runtime for the session's provider: the CUDA kernel, if given, on a CUDA session (inputs and outputs in
/// device memory, work enqueued on ONNX Runtime's stream), else the CPU kernel. Immutable.
/// </summary>
/// <param name="OpType">The operator type nodes use.</param>
/// <param name="Inputs">The inputs, in order.</param>
/// <param name="Outputs">The outputs' element types, in order.</param>
/// <param name="CreateCpuKernel">Creates the CPU kernel of one node (called once per node when the session is created).</param>
/// <param name="CreateCudaKernel">Creates the CUDA kernel of one node, or null when there is none.</param>
public sealed record CustomOperator(
    string OpType,
    IReadOnlyList<CustomOperatorInput> Inputs,
    IReadOnlyList<TensorElementType> Outputs,
    Func<INodeAttributes, ICustomKernel> CreateCpuKernel,
    Func<INodeAttributes, ICustomKernel>? CreateCudaKernel = null);
