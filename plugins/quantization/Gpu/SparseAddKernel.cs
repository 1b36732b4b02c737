using ILGPU;
using Sieve.Kernels.Gpu;

namespace Sieve.Plugins.Quantization.Gpu;

/// <summary>
/// Y [m, N] += X [m, K] · sparse(W): one thread per (row, channel) walks the channel's CSR entries. Launch: grid
/// (⌈N/256⌉, m, 1), group 256.
/// </summary>
public static class SparseAddKernel
{
    public const int GroupSize = 256;

    [GpuKernel]
    public static void Run(ArrayView<int> sparseStarts, ArrayView<int> sparseInputs, ArrayView<float> sparseValues, ArrayView<float> x,
        ArrayView<float> y, DenseSparseGemmParameters p)
    {
        var channel = Grid.IdxX * GroupSize + Group.IdxX;
        var row = Grid.IdxY;
        if (channel >= p.OutputSize)
        {
            return;
        }
        var sum = 0f;
        for (var s = sparseStarts[channel]; s < sparseStarts[channel + 1]; s++)
        {
            sum += sparseValues[s] * x[row * p.InputSize + sparseInputs[s]];
        }
        y[row * p.OutputSize + channel] += sum;
    }
}
