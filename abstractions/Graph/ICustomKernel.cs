namespace Sieve.Abstractions;

/// <summary>The computation of one node of a <see cref="CustomOperator"/>. <see cref="Compute"/> may run on several threads at once.</summary>
public interface ICustomKernel
{
    /// <summary>Computes the node's outputs from its inputs. Exceptions become ONNX Runtime errors naming the node.</summary>
    void Compute(ICustomKernelContext context);
}
