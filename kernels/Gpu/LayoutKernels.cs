using ILGPU;

namespace Sieve.Kernels.Gpu;

/// <summary>
/// Layout changes between what a model's attention node holds and the [B, H, S, D] views the attention slot takes:
/// swapping the last two axes (a key stored transposed) and swapping axes 1 and 2 (packed [B, S, H·D] to heads-first
/// and back). Memory-bound element copies with a grid-stride loop: launch with <see cref="ElementwiseGroup"/> threads.
/// </summary>
public static class LayoutKernels
{
    /// <summary>Threads per group of these kernels.</summary>
    public const int ElementwiseGroup = 256;

    /// <summary>target[m, c, r] = source[m, r, c] for source [matrices, rows, columns].</summary>
    [GpuKernel]
    public static void SwapLastTwo(ArrayView<float> source, ArrayView<float> target, int matrices, int rows, int columns)
    {
        var total = matrices * rows * columns;
        for (var i = Grid.IdxX * Group.DimX + Group.IdxX; i < total; i += Grid.DimX * Group.DimX)
        {
            // i indexes the target [m, c, r], so writes are coalesced.
            var r = i % rows;
            var c = i / rows % columns;
            var m = i / (rows * columns);
            target[i] = source[(m * rows + r) * columns + c];
        }
    }

    /// <summary>target[a, c, b, d] = source[a, b, c, d] for source [d0, d1, d2, d3].</summary>
    [GpuKernel]
    public static void SwapMiddleAxes(ArrayView<float> source, ArrayView<float> target, int d0, int d1, int d2, int d3)
    {
        var total = d0 * d1 * d2 * d3;
        for (var i = Grid.IdxX * Group.DimX + Group.IdxX; i < total; i += Grid.DimX * Group.DimX)
        {
            var d = i % d3;
            var b = i / d3 % d1;
            var c = i / (d3 * d1) % d2;
            var a = i / (d3 * d1 * d2);
            target[i] = source[((a * d1 + b) * d2 + c) * d3 + d];
        }
    }

    /// <summary>Groups for <paramref name="elements"/> elements: enough to fill the device, never more than the work.</summary>
    public static int Groups(long elements, int multiprocessors) =>
        (int)Math.Clamp((elements + ElementwiseGroup - 1) / ElementwiseGroup, 1, Math.Max(1, multiprocessors) * 32L);
}
