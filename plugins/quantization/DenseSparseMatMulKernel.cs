using Sieve.Abstractions;
using Sieve.Plugins.Quantization.Gpu;

namespace Sieve.Plugins.Quantization;

/// <summary>
/// One <c>ai.sieve::DenseSparseMatMul</c> node: X [..., K] · W → [..., N], the leading axes flattened into rows. On the CPU
/// <see cref="DenseSparseCpuKernel"/>; on CUDA <see cref="GpuDenseSparseMatMul"/> with the matrix uploaded on the first call.
/// Thread-safe.
/// </summary>
internal sealed class DenseSparseMatMulKernel(DenseSparseMatrix matrix, Lazy<GpuDenseSparseMatMul>? gpu, Func<DeviceDenseSparseMatrix>? upload) : ICustomKernel
{
    public void Compute(ICustomKernelContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.Input<float>(0);
        var (k, n) = (matrix.InputSize, matrix.OutputSize);
        if (input.Shape.Rank == 0 || input.Shape[-1] != k)
        {
            throw new ArgumentException($"input {input.Shape} does not end in weight {matrix.Name}'s {k} inputs");
        }
        var outer = input.Shape.Dimensions[..^1].ToArray();
        var output = context.Output<float>(0, new TensorShape([.. outer, n]));
        var rows = checked((int)(input.Shape.ElementCount / k));
        if (context.Device == DeviceKind.Cpu)
        {
            DenseSparseCpuKernel.Multiply(matrix, input.Memory, rows, output.Memory);
            return;
        }
        if (gpu is null || upload is null)
        {
            throw new NotSupportedException($"weight-quant/dense-and-sparse got {context.Device} tensors but the host offers no GPU device service.");
        }
        gpu.Value.Multiply(upload(), input.Address, rows, output.Address);
    }
}
