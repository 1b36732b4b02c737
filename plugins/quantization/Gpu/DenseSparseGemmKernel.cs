using ILGPU;
using Sieve.Kernels.Gpu;

namespace Sieve.Plugins.Quantization.Gpu;

/// <summary>
/// Y [m, N] = X [m, K] · dense(W) for the prefill (m &gt; 8): a dequantize-into-tiles GEMM. A group of 256 threads owns a
/// 64 × 64 tile of Y; per block of 32 inputs it stages X [64, 32] and decodes W's block for its 64 channels into shared
/// memory (each thread a quarter block of one channel: 8 indices looked up in the channel's centroids), then every
/// thread accumulates 4 × 4 outputs. The sparse part is added afterwards by <see cref="SparseAddKernel"/>. Launch:
/// grid (⌈N/64⌉, ⌈m/64⌉, 1), group 256, dynamic shared memory <see cref="SharedBytes"/>.
/// </summary>
public static class DenseSparseGemmKernel
{
    public const int GroupSize = 256;
    public const int Tile = 64;
    private const int Depth = 32;
    private const int XStride = Depth + 1;
    private const int WStride = Tile + 4;

    public const int SharedBytes = (Tile * XStride + Depth * WStride) * sizeof(float);

    [GpuKernel]
    public static void Run(ArrayView<uint> indices, ArrayView<float> centroids, ArrayView<float> x, ArrayView<float> y, DenseSparseGemmParameters p)
    {
        var shared = SharedMemory.GetDynamic<float>();
        var thread = Group.IdxX;
        var firstChannel = Grid.IdxX * Tile;
        var firstRow = Grid.IdxY * Tile;
        var tableSize = 1 << p.Bits;
        var blocks = (p.InputSize + 31) / 32;
        var wBase = Tile * XStride;
        var rowGroup = thread / 16;
        var columnGroup = thread % 16;
        var decodeChannel = thread / 4;
        var quarter = thread % 4;
        var tile = default(OutputTile);

        for (var block = 0; block < blocks; block++)
        {
            var firstInput = block * Depth;
            for (var i = thread; i < Tile * Depth; i += GroupSize)
            {
                var row = i / Depth;
                var k = firstInput + i % Depth;
                shared[row * XStride + i % Depth] = firstRow + row < p.Rows && k < p.InputSize ? x[(firstRow + row) * p.InputSize + k] : 0f;
            }
            var channel = firstChannel + decodeChannel;
            if (channel < p.OutputSize)
            {
                var word = (block * p.OutputSize + channel) * p.Bits;
                var table = channel * tableSize;
                if (p.Bits == 4)
                {
                    var packed = indices[word + quarter];
                    for (var j = 0; j < 8; j++)
                    {
                        shared[wBase + (quarter * 8 + j) * WStride + decodeChannel] = centroids[table + (int)((packed >> (j * 4)) & 15u)];
                    }
                }
                else
                {
                    var plane0 = indices[word];
                    var plane1 = indices[word + 1];
                    var plane2 = indices[word + 2];
                    for (var j = 0; j < 8; j++)
                    {
                        var lane = quarter * 8 + j;
                        var index = (int)(((plane0 >> lane) & 1u) | (((plane1 >> lane) & 1u) << 1) | (((plane2 >> lane) & 1u) << 2));
                        shared[wBase + lane * WStride + decodeChannel] = centroids[table + index];
                    }
                }
            }
            else
            {
                for (var j = 0; j < 8; j++)
                {
                    shared[wBase + (quarter * 8 + j) * WStride + decodeChannel] = 0f;
                }
            }
            Group.Barrier();
            for (var kk = 0; kk < Depth; kk++)
            {
                var a = rowGroup * 4 * XStride + kk;
                var b = wBase + kk * WStride + columnGroup * 4;
                tile.Add(shared[a], shared[a + XStride], shared[a + 2 * XStride], shared[a + 3 * XStride],
                    shared[b], shared[b + 1], shared[b + 2], shared[b + 3]);
            }
            Group.Barrier();
        }
        tile.Store(y, firstRow + rowGroup * 4, firstChannel + columnGroup * 4, p.Rows, p.OutputSize);
    }
}
