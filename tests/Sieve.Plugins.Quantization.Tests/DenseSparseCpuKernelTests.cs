namespace Sieve.Plugins.Quantization.Tests;

public class DenseSparseCpuKernelTests
{
    public static TheoryData<int, int, int, int> Shapes => new()
    {
        { 1, 77, 45, 3 }, { 3, 77, 45, 4 }, { 8, 33, 7, 3 }, { 9, 77, 45, 4 }, { 13, 193, 70, 3 }, { 70, 64, 33, 4 }, { 1, 1, 1, 4 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Multiply_EqualsTheDequantizedMatrixProduct(int rows, int inputs, int outputs, int bits)
    {
        var matrix = DenseSparseQuantizer.Quantize("w", RandomWeights.Matrix(inputs, outputs), inputs, outputs, WeightSensitivity.Uniform,
            new QuantizationSettings(bits, 0.02, 0));
        var x = RandomWeights.Vector(rows * inputs);
        var y = new float[rows * outputs];

        DenseSparseCpuKernel.Multiply(matrix, x, rows, y);

        var expected = Reference.Multiply(x, matrix.Dequantize(), rows, inputs, outputs);
        for (var i = 0; i < y.Length; i++)
        {
            Assert.True(Math.Abs(y[i] - expected[i]) <= 1e-4f * (1 + Math.Abs(expected[i])), $"y[{i}] = {y[i]}, expected {expected[i]}");
        }
    }
}

/// <summary>The naive product, in double: the oracle.</summary>
internal static class Reference
{
    public static float[] Multiply(float[] x, float[] weight, int rows, int inputs, int outputs)
    {
        var y = new float[rows * outputs];
        for (var r = 0; r < rows; r++)
        {
            for (var n = 0; n < outputs; n++)
            {
                double sum = 0;
                for (var k = 0; k < inputs; k++)
                {
                    sum += (double)x[r * inputs + k] * weight[k * outputs + n];
                }
                y[r * outputs + n] = (float)sum;
            }
        }
        return y;
    }
}
