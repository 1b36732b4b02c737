using ILGPU;

namespace Sieve.Kernels.Gpu;

/// <summary>
/// Turn an attention node's mask, on the device, into each batch row's valid keys [start, end), so that no mask ever
/// travels to the host. One thread per row; launch <c>(groups of <see cref="Group"/>)</c> over the batch.
/// </summary>
public static class KeyBoundsKernels
{
    /// <summary>Threads per group.</summary>
    public const int Group = 64;

    /// <summary>An additive mask value below this is masked (as the CPU mask reader).</summary>
    public const float Masked = -1000f;

    /// <summary>
    /// From a key-padding mask [batch, keys] (additive float: 0 kept, below <see cref="Masked"/> masked): the first and
    /// one past the last kept key; an empty mask view means every key is valid. A row with no kept key gets [0, 0).
    /// </summary>
    [GpuKernel]
    public static void FromAdditiveMask(ArrayView<float> mask, ArrayView<int> starts, ArrayView<int> ends, int batch, int keys)
    {
        var row = Grid.IdxX * ILGPU.Group.DimX + ILGPU.Group.IdxX;
        if (row >= batch)
        {
            return;
        }
        if (mask.Length == 0)
        {
            starts[row] = 0;
            ends[row] = keys;
            return;
        }
        var first = -1;
        var last = -1;
        for (var k = 0; k < keys; k++)
        {
            if (mask[row * keys + k] >= Masked)
            {
                if (first < 0)
                {
                    first = k;
                }
                last = k;
            }
        }
        starts[row] = first < 0 ? 0 : first;
        ends[row] = first < 0 ? 0 : last + 1;
    }

    /// <summary>From int32 key lengths [batch]: [0, length).</summary>
    [GpuKernel]
    public static void FromLengths(ArrayView<int> lengths, ArrayView<int> starts, ArrayView<int> ends, int batch, int keys)
    {
        var row = Grid.IdxX * ILGPU.Group.DimX + ILGPU.Group.IdxX;
        if (row < batch)
        {
            starts[row] = 0;
            ends[row] = IntrinsicMath.Clamp(lengths[row], 0, keys);
        }
    }
}
