using ILGPU;
using Sieve.Kernels.Gpu;

namespace Sieve.Plugins.Quantization.Gpu;

/// <summary>Clears <c>count</c> floats. Launch: grid (⌈count/256⌉, 1, 1), group 256.</summary>
public static class ZeroKernel
{
    public const int GroupSize = 256;

    [GpuKernel]
    public static void Run(ArrayView<float> values, int count)
    {
        var i = Grid.IdxX * GroupSize + Group.IdxX;
        if (i < count)
        {
            values[i] = 0f;
        }
    }
}
