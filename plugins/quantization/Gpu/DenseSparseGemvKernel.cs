using ILGPU;
using Sieve.Kernels.Gpu;

namespace Sieve.Plugins.Quantization.Gpu;

/// <summary>
/// Y [m, N] (+)= X [m, K] · W for m ≤ 8 (decode), W dense-and-sparse. One thread per output channel, <see cref="GroupSize"/>
/// channels per group; the groups along y split K into ranges of <c>BlocksPerSplit</c> blocks of 32 inputs. A group
/// stages its channels' centroid tables in shared memory as [centroid][thread] (a lookup by every thread of a warp hits
/// 32 different banks) and its slice of X (zero-padded to whole blocks; every thread reads the same element, a
/// broadcast). Index words are block-major on the device ([block][channel][bits]), so a warp's loads are contiguous.
/// The groups of split 0 also add their channels' sparse values. Launch: grid (⌈N/64⌉, splits, 1), group 64, dynamic
/// shared memory <see cref="SharedBytes"/>.
/// </summary>
public static class DenseSparseGemvKernel
{
    public const int GroupSize = 64;

    /// <summary>The most rows of X per launch.</summary>
    public const int MaxRows = 8;

    /// <summary>Dynamic shared memory: 16 centroids per thread and the X slice.</summary>
    public static int SharedBytes(int rows, int blocksPerSplit) => (16 * GroupSize + rows * blocksPerSplit * 32) * sizeof(float);

    [GpuKernel]
    public static void Run(ArrayView<uint> indices, ArrayView<float> centroids, ArrayView<int> sparseStarts, ArrayView<int> sparseInputs,
        ArrayView<float> sparseValues, ArrayView<float> x, ArrayView<float> y, DenseSparseGemvParameters p)
    {
        var shared = SharedMemory.GetDynamic<float>();
        var thread = Group.IdxX;
        var channel = Grid.IdxX * GroupSize + thread;
        var tableSize = 1 << p.Bits;
        var blocks = (p.InputSize + 31) / 32;
        var firstBlock = Grid.IdxY * p.BlocksPerSplit;
        var endBlock = IntrinsicMath.Min(blocks, firstBlock + p.BlocksPerSplit);
        var sliceLength = p.BlocksPerSplit * 32;
        var tableBase = 0;
        var xBase = 16 * GroupSize;

        for (var c = 0; c < tableSize; c++)
        {
            shared[tableBase + c * GroupSize + thread] = channel < p.OutputSize ? centroids[channel * tableSize + c] : 0f;
        }
        var firstInput = firstBlock * 32;
        for (var r = 0; r < p.Rows; r++)
        {
            for (var i = thread; i < sliceLength; i += GroupSize)
            {
                var k = firstInput + i;
                shared[xBase + r * sliceLength + i] = k < p.InputSize ? x[r * p.InputSize + k] : 0f;
            }
        }
        Group.Barrier();
        if (channel >= p.OutputSize)
        {
            return;
        }

        var sums = default(RowAccumulators);
        for (var block = firstBlock; block < endBlock; block++)
        {
            var word = (block * p.OutputSize + channel) * p.Bits;
            var at = xBase + (block - firstBlock) * 32;
            if (p.Bits == 4)
            {
                for (var q = 0; q < 4; q++)
                {
                    var packed = indices[word + q];
                    for (var j = 0; j < 8; j++)
                    {
                        var index = (int)((packed >> (j * 4)) & 15u);
                        sums.Add(shared[tableBase + index * GroupSize + thread], shared, at + q * 8 + j, sliceLength, p.Rows);
                    }
                }
            }
            else
            {
                var plane0 = indices[word];
                var plane1 = indices[word + 1];
                var plane2 = indices[word + 2];
                for (var lane = 0; lane < 32; lane++)
                {
                    var index = (int)(((plane0 >> lane) & 1u) | (((plane1 >> lane) & 1u) << 1) | (((plane2 >> lane) & 1u) << 2));
                    sums.Add(shared[tableBase + index * GroupSize + thread], shared, at + lane, sliceLength, p.Rows);
                }
            }
        }
        if (Grid.IdxY == 0)
        {
            for (var s = sparseStarts[channel]; s < sparseStarts[channel + 1]; s++)
            {
                sums.Add(sparseValues[s], x, sparseInputs[s], p.InputSize, p.Rows);
            }
        }
        for (var r = 0; r < p.Rows; r++)
        {
            if (p.Accumulate != 0)
            {
                Atomic.Add(ref y[r * p.OutputSize + channel], sums.Get(r));
            }
            else
            {
                y[r * p.OutputSize + channel] = sums.Get(r);
            }
        }
    }
}
