using System.Buffers;
using System.Numerics.Tensors;
using Sieve.Kernels;

namespace Sieve.Plugins.Quantization;

/// <summary>
/// Y [m, N] = X [m, K] · W on the CPU for a <see cref="DenseSparseMatrix"/>. Up to <see cref="GemvRows"/> rows (decode):
/// GEMV, each worker decodes one output channel at a time (table lookup, then the sparse values added) and takes its
/// dot product with every row of X. More rows (prefill): GEMM over dequantized tiles, each worker decodes a tile of
/// <see cref="TileChannels"/> channels once and multiplies it with X in blocks of rows that stay in cache. Dot products with
/// <see cref="TensorPrimitives"/>. Thread-safe.
/// </summary>
internal static class DenseSparseCpuKernel
{
    /// <summary>Rows of X up to which the GEMV path runs.</summary>
    public const int GemvRows = 8;

    /// <summary>Channels per dequantized tile of the GEMM path.</summary>
    public const int TileChannels = 32;

    /// <summary>Rows of X per block of the GEMM path.</summary>
    private const int RowBlock = 64;

    /// <summary>Channels per work item of the GEMV path.</summary>
    private const int GemvChunk = 64;

    public static void Multiply(DenseSparseMatrix matrix, ReadOnlyMemory<float> input, int rows, Memory<float> output)
    {
        var (k, n) = (matrix.InputSize, matrix.OutputSize);
        if (input.Length != (long)rows * k || output.Length != (long)rows * n)
        {
            throw new ArgumentException($"X [{rows}, {k}] · W [{k}, {n}]: the input holds {input.Length} values and the output {output.Length}");
        }
        if (rows == 0)
        {
            return;
        }
        if (rows <= GemvRows)
        {
            ParallelWork.For((n + GemvChunk - 1) / GemvChunk, chunk =>
            {
                var buffer = ArrayPool<float>.Shared.Rent(k);
                try
                {
                    var channel = buffer.AsSpan(0, k);
                    var x = input.Span;
                    var y = output.Span;
                    var end = Math.Min(n, (chunk + 1) * GemvChunk);
                    for (var c = chunk * GemvChunk; c < end; c++)
                    {
                        matrix.DecodeChannel(c, channel);
                        for (var r = 0; r < rows; r++)
                        {
                            y[r * n + c] = TensorPrimitives.Dot(channel, x.Slice(r * k, k));
                        }
                    }
                }
                finally
                {
                    ArrayPool<float>.Shared.Return(buffer);
                }
            });
            return;
        }
        ParallelWork.For((n + TileChannels - 1) / TileChannels, tile =>
        {
            var first = tile * TileChannels;
            var count = Math.Min(TileChannels, n - first);
            var buffer = ArrayPool<float>.Shared.Rent(count * k);
            try
            {
                var decoded = buffer.AsSpan(0, count * k);
                for (var c = 0; c < count; c++)
                {
                    matrix.DecodeChannel(first + c, decoded.Slice(c * k, k));
                }
                var x = input.Span;
                var y = output.Span;
                for (var block = 0; block < rows; block += RowBlock)
                {
                    var blockEnd = Math.Min(rows, block + RowBlock);
                    for (var c = 0; c < count; c++)
                    {
                        var weights = decoded.Slice(c * k, k);
                        for (var r = block; r < blockEnd; r++)
                        {
                            y[r * n + first + c] = TensorPrimitives.Dot(weights, x.Slice(r * k, k));
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(buffer);
            }
        });
    }
}
