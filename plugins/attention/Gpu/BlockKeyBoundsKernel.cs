using ILGPU;
using Sieve.Kernels.Gpu;

namespace Sieve.Plugins.Attention.Gpu;

/// <summary>
/// Quest's block summaries on the GPU (the numbers of <see cref="KeyBounds"/>): for each (batch, kv head) row and block of
/// its valid keys, counted from the row's first valid key, the elementwise minimum and maximum of the block's keys.
/// Launch: grid (⌈MaxBlocks·D / 256⌉, B·Hkv, 1), group 256, no shared memory; one thread per (block, dimension).
/// </summary>
public static class BlockKeyBoundsKernel
{
    /// <summary>Threads per group.</summary>
    public const int Threads = 256;

    /// <summary>The kernel.</summary>
    /// <param name="key">[B, Hkv, S, D].</param>
    /// <param name="keyStarts">[B].</param>
    /// <param name="keyEnds">[B].</param>
    /// <param name="minimum">[B·Hkv, MaxBlocks, D]; blocks past a row's valid keys are zeros.</param>
    /// <param name="maximum">[B·Hkv, MaxBlocks, D], likewise.</param>
    /// <param name="p">The sizes.</param>
    [GpuKernel]
    public static void Run(ArrayView<float> key, ArrayView<int> keyStarts, ArrayView<int> keyEnds, ArrayView<float> minimum, ArrayView<float> maximum,
        BlockKeyBoundsParameters p)
    {
        var index = Grid.IdxX * Threads + Group.IdxX;
        if (index >= p.MaxBlocks * p.HeadSize)
        {
            return;
        }
        var row = Grid.IdxY;
        var block = index / p.HeadSize;
        var d = index - block * p.HeadSize;
        var batch = row / p.KeyValueHeads;
        var end = IntrinsicMath.Clamp(keyEnds[batch], 0, p.KeyLength);
        var start = IntrinsicMath.Clamp(keyStarts[batch], 0, end);
        var first = start + block * p.BlockSize;
        var last = IntrinsicMath.Min(end, first + p.BlockSize);
        var low = 0f;
        var high = 0f;
        if (first < last)
        {
            var at = (row * p.KeyLength + first) * p.HeadSize + d;
            low = key[at];
            high = low;
            for (var t = first + 1; t < last; t++)
            {
                at += p.HeadSize;
                low = IntrinsicMath.Min(low, key[at]);
                high = IntrinsicMath.Max(high, key[at]);
            }
        }
        var target = (row * p.MaxBlocks + block) * p.HeadSize + d;
        minimum[target] = low;
        maximum[target] = high;
    }
}
