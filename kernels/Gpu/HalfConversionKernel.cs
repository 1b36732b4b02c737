using ILGPU;

namespace Sieve.Kernels.Gpu;

/// <summary>
/// fp32 ↔ fp16 on the GPU (to fp16: round to nearest even), grid-stride: any grid works, e.g.
/// (min(⌈count / 256⌉, 16·SMs), 1, 1) groups of <see cref="Threads"/>. Used by the fp16 block scores and the benchmarks.
/// </summary>
public static class HalfConversionKernel
{
    /// <summary>Threads per group.</summary>
    public const int Threads = 256;

    /// <summary>target[i] = (Half)source[i] for i &lt; <paramref name="count"/>.</summary>
    /// <param name="source">fp32 values.</param>
    /// <param name="target">fp16 values, written.</param>
    /// <param name="count">Elements to convert (at most both views' lengths).</param>
    [GpuKernel]
    public static void ToHalf(ArrayView<float> source, ArrayView<ILGPU.Half> target, int count)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int i = Grid.IdxX * Group.DimX + Group.IdxX; i < count; i += stride)
        {
            target[i] = (ILGPU.Half)source[i];
        }
    }

    /// <summary>target[i] = (float)source[i] for i &lt; <paramref name="count"/>.</summary>
    [GpuKernel]
    public static void ToSingle(ArrayView<ILGPU.Half> source, ArrayView<float> target, int count)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int i = Grid.IdxX * Group.DimX + Group.IdxX; i < count; i += stride)
        {
            target[i] = source[i];
        }
    }
}
