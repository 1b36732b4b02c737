using Sieve.Abstractions;

namespace Sieve.Plugins.Quantization.Gpu;

/// <summary>
/// Y [m, N] = X [m, K] · W on the GPU: m ≤ 8 runs <see cref="DenseSparseGemvKernel"/> (K split over enough groups to fill
/// the device, Y cleared first when the splits add atomically), more rows run <see cref="DenseSparseGemmKernel"/> then
/// <see cref="SparseAddKernel"/>. Enqueues on the device's current stream and never waits. Loads its kernels at
/// construction. Thread-safe.
/// </summary>
internal sealed class GpuDenseSparseMatMul
{
    /// <summary>Dynamic shared memory a launch may use without opting in.</summary>
    private const int SharedLimit = 48 * 1024;

    private readonly IGpuDevice _device;
    private readonly IGpuKernel _gemv;
    private readonly IGpuKernel _gemm;
    private readonly IGpuKernel _sparse;
    private readonly IGpuKernel _zero;

    public GpuDenseSparseMatMul(IGpuDevice device)
    {
        _device = device;
        _gemv = device.Kernel(typeof(DenseSparseGemvKernel).GetMethod(nameof(DenseSparseGemvKernel.Run))!);
        _gemm = device.Kernel(typeof(DenseSparseGemmKernel).GetMethod(nameof(DenseSparseGemmKernel.Run))!);
        _sparse = device.Kernel(typeof(SparseAddKernel).GetMethod(nameof(SparseAddKernel.Run))!);
        _zero = device.Kernel(typeof(ZeroKernel).GetMethod(nameof(ZeroKernel.Run))!);
    }

    public IGpuDevice Device => _device;

    /// <summary>How a GEMV of <paramref name="rows"/> rows splits K: blocks per split and the number of splits.</summary>
    public static (int BlocksPerSplit, int Splits) Split(int inputSize, int outputSize, int rows, int multiprocessors)
    {
        var blocks = PackedIndices.Blocks(inputSize);
        var channelGroups = (outputSize + DenseSparseGemvKernel.GroupSize - 1) / DenseSparseGemvKernel.GroupSize;
        var wanted = 4 * Math.Max(1, multiprocessors);
        var splits = Math.Clamp((wanted + channelGroups - 1) / channelGroups, 1, blocks);
        var perSplit = (blocks + splits - 1) / splits;
        var largest = (SharedLimit / sizeof(float) - 16 * DenseSparseGemvKernel.GroupSize) / (rows * 32);
        perSplit = Math.Min(perSplit, largest);
        return (perSplit, (blocks + perSplit - 1) / perSplit);
    }

    /// <summary>Enqueues Y = X · W; X [rows, K] and Y [rows, N] in device memory.</summary>
    public void Multiply(DeviceDenseSparseMatrix weight, DeviceAddress input, int rows, DeviceAddress output)
    {
        var matrix = weight.Matrix;
        var (k, n) = (matrix.InputSize, matrix.OutputSize);
        if (rows == 0)
        {
            return;
        }
        if (rows <= DenseSparseGemvKernel.MaxRows)
        {
            var (perSplit, splits) = Split(k, n, rows, _device.MultiprocessorCount);
            if (splits > 1)
            {
                _zero.Launch(new GpuLaunch((rows * n + ZeroKernel.GroupSize - 1) / ZeroKernel.GroupSize, 1, 1, ZeroKernel.GroupSize),
                    new KernelArguments().View<float>(output, (long)rows * n).Value(rows * n));
            }
            _gemv.Launch(
                new GpuLaunch((n + DenseSparseGemvKernel.GroupSize - 1) / DenseSparseGemvKernel.GroupSize, splits, 1, DenseSparseGemvKernel.GroupSize,
                    DenseSparseGemvKernel.SharedBytes(rows, perSplit)),
                Views(weight, input, rows, output)
                    .Value(new DenseSparseGemvParameters(k, n, matrix.Bits, rows, perSplit, splits > 1 ? 1 : 0)));
            return;
        }
        var parameters = new DenseSparseGemmParameters(k, n, matrix.Bits, rows);
        _gemm.Launch(
            new GpuLaunch((n + DenseSparseGemmKernel.Tile - 1) / DenseSparseGemmKernel.Tile, (rows + DenseSparseGemmKernel.Tile - 1) / DenseSparseGemmKernel.Tile, 1,
                DenseSparseGemmKernel.GroupSize, DenseSparseGemmKernel.SharedBytes),
            new KernelArguments()
                .View<uint>(weight.Indices, matrix.Indices.LongLength)
                .View<float>(weight.Centroids, matrix.Centroids.LongLength)
                .View<float>(input, (long)rows * k)
                .View<float>(output, (long)rows * n)
                .Value(parameters));
        if (matrix.SparseCount > 0)
        {
            _sparse.Launch(new GpuLaunch((n + SparseAddKernel.GroupSize - 1) / SparseAddKernel.GroupSize, rows, 1, SparseAddKernel.GroupSize),
                new KernelArguments()
                    .View<int>(weight.SparseStarts, n + 1L)
                    .View<int>(weight.SparseInputs, matrix.SparseCount)
                    .View<float>(weight.SparseValues, matrix.SparseCount)
                    .View<float>(input, (long)rows * k)
                    .View<float>(output, (long)rows * n)
                    .Value(parameters));
        }
    }

    private static KernelArguments Views(DeviceDenseSparseMatrix weight, DeviceAddress input, int rows, DeviceAddress output)
    {
        var matrix = weight.Matrix;
        return new KernelArguments()
            .View<uint>(weight.Indices, matrix.Indices.LongLength)
            .View<float>(weight.Centroids, matrix.Centroids.LongLength)
            .View<int>(weight.SparseStarts, matrix.OutputSize + 1L)
            .View<int>(weight.SparseInputs, matrix.SparseCount)
            .View<float>(weight.SparseValues, matrix.SparseCount)
            .View<float>(input, (long)rows * matrix.InputSize)
            .View<float>(output, (long)rows * matrix.OutputSize);
    }
}
