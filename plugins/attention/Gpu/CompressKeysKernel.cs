using ILGPU;
using Sieve.Kernels.Gpu;

namespace Sieve.Plugins.Attention.Gpu;

/// <summary>
/// Compressed keys on the GPU (the same numbers as <see cref="CompressedKeys"/>): key c of a (batch, kv head) row is the
/// mean of the row's valid keys [start + c·stride, start + min(length, c·stride + kernel)). Launch: grid
/// (⌈MaxCompressed·D / 256⌉, B·Hkv, 1), group 256, no shared memory; one thread per (compressed key, dimension).
/// </summary>
public static class CompressKeysKernel
{
    /// <summary>Threads per group.</summary>
    public const int Threads = 256;

    /// <summary>Compressed keys of <paramref name="length"/> valid keys (as <see cref="CompressedKeys.Count"/>).</summary>
    public static int Count(int length, int kernel, int stride) =>
        length <= 0 ? 0 : Math.Max(1, (Math.Max(0, length - kernel) + stride - 1) / stride + 1);

    /// <summary>The kernel.</summary>
    /// <param name="key">[B, Hkv, S, D].</param>
    /// <param name="keyStarts">[B].</param>
    /// <param name="keyEnds">[B].</param>
    /// <param name="compressed">[B·Hkv, MaxCompressed, D]; rows past a row's count are zeros.</param>
    /// <param name="p">The sizes.</param>
    [GpuKernel]
    public static void Run(ArrayView<float> key, ArrayView<int> keyStarts, ArrayView<int> keyEnds, ArrayView<float> compressed, CompressKeysParameters p)
    {
        var index = Grid.IdxX * Threads + Group.IdxX;
        if (index >= p.MaxCompressed * p.HeadSize)
        {
            return;
        }
        var row = Grid.IdxY;
        var c = index / p.HeadSize;
        var d = index - c * p.HeadSize;
        var batch = row / p.KeyValueHeads;
        var start = IntrinsicMath.Max(0, keyStarts[batch]);
        var length = IntrinsicMath.Max(0, IntrinsicMath.Min(p.KeyLength, keyEnds[batch]) - start);
        var count = length <= 0 ? 0 : IntrinsicMath.Max(1, (IntrinsicMath.Max(0, length - p.Kernel) + p.Stride - 1) / p.Stride + 1);
        var sum = 0f;
        if (c < count)
        {
            var first = c * p.Stride;
            var last = IntrinsicMath.Min(length, first + p.Kernel);
            var at = (row * p.KeyLength + start + first) * p.HeadSize + d;
            for (var t = first; t < last; t++)
            {
                sum += key[at];
                at += p.HeadSize;
            }
            sum /= last - first;
        }
        compressed[(row * p.MaxCompressed + c) * p.HeadSize + d] = sum;
    }
}
