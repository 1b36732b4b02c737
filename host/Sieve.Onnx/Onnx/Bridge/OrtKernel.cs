namespace Sieve.Host.Onnx.Bridge;

/// <summary>The per-node state of a <see cref="ManagedCustomOp"/>. Compute may run on several threads at once.</summary>
internal abstract class OrtKernel
{
    /// <summary>Names the implementation and node in error messages, e.g. <c>weight-quant/dense (built-in) in node MatMul_3</c>.</summary>
    public abstract string Description { get; }

    public abstract void Compute(OrtKernelContext context);
}
