using Sieve.Plugins.Quantization.Gpu;
using Sieve.Testing.Gpu;

namespace Sieve.Plugins.Quantization.Tests;

/// <summary>The CUDA kernels, run on ILGPU's CPU accelerator (bounds-checked views) through the launcher the GPU uses.</summary>
public sealed class GpuDenseSparseMatMulTests : IDisposable
{
    private readonly CpuAcceleratorDevice _device = new();

    public void Dispose() => _device.Dispose();

    public static TheoryData<int, int, int, int> Shapes => new()
    {
        // GEMV (≤ 8 rows), K split over several groups that add atomically (45 channels: one group, 3 blocks).
        { 1, 77, 45, 3 }, { 3, 77, 45, 4 }, { 8, 33, 7, 3 }, { 2, 193, 70, 4 }, { 1, 1, 1, 4 },
        // Dequantize-into-tiles GEMM and the sparse add.
        { 9, 77, 45, 4 }, { 13, 193, 70, 3 }, { 70, 40, 65, 4 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Multiply_EqualsTheDequantizedMatrixProduct(int rows, int inputs, int outputs, int bits)
    {
        var matrix = DenseSparseQuantizer.Quantize("w", RandomWeights.Matrix(inputs, outputs), inputs, outputs, WeightSensitivity.Uniform,
            new QuantizationSettings(bits, 0.02, 0));
        Assert.True(matrix.SparseCount > 0 || inputs * outputs < 50);
        var x = RandomWeights.Vector(rows * inputs);
        var gpu = new GpuDenseSparseMatMul(_device);
        using var onDevice = new DeviceDenseSparseMatrix(_device, matrix);
        using var input = _device.Upload<float>(x);
        using var output = _device.Allocate((long)rows * outputs * sizeof(float));

        gpu.Multiply(onDevice, input.Address, rows, output.Address);

        var y = CpuAcceleratorDevice.Download<float>(output);
        var expected = Reference.Multiply(x, matrix.Dequantize(), rows, inputs, outputs);
        for (var i = 0; i < y.Length; i++)
        {
            Assert.True(Math.Abs(y[i] - expected[i]) <= 1e-4f * (1 + Math.Abs(expected[i])), $"y[{i}] = {y[i]}, expected {expected[i]}");
        }
    }

    [Fact]
    public void Split_FillsTheDeviceAndStaysInSharedMemory()
    {
        var (perSplit, splits) = GpuDenseSparseMatMul.Split(4096, 4096, 8, 132);
        Assert.True(splits * 64 >= 4 * 132, $"{splits} splits × 64 channel groups");
        Assert.True(DenseSparseGemvKernel.SharedBytes(8, perSplit) <= 48 * 1024);
        Assert.True(perSplit * splits >= 128);

        var single = GpuDenseSparseMatMul.Split(77, 45, 1, 1);
        Assert.Equal((1, 3), single);
    }
}
