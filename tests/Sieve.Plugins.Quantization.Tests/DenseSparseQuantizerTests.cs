namespace Sieve.Plugins.Quantization.Tests;

public class DenseSparseQuantizerTests
{
    private const int K = 77, N = 45;

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void Quantize_EverySparsePosition_ReconstructsTheOriginalWeight(int bits)
    {
        var weight = RandomWeights.Matrix(K, N);
        var sensitivity = WeightSensitivity.PerWeight(RandomWeights.Sensitivities(K * N), N);
        var settings = new QuantizationSettings(bits, 0.01, 0.005);

        var matrix = DenseSparseQuantizer.Quantize("w", weight, K, N, sensitivity, settings);
        var restored = matrix.Dequantize();

        Assert.Equal((int)Math.Round(0.01 * K * N) + (int)Math.Round(0.005 * K * N), matrix.SparseCount);
        var dense = new float[K];
        for (var n = 0; n < N; n++)
        {
            matrix.DecodeDense(n, dense);
            for (var s = matrix.SparseStarts[n]; s < matrix.SparseStarts[n + 1]; s++)
            {
                var k = matrix.SparseInputs[s];
                var original = weight[k * N + n];
                // The sparse value is the difference to the centroid the dense slot decodes to, rounded to float16.
                var residual = original - dense[k];
                Assert.Equal((float)(Half)residual, (float)matrix.SparseValues[s]);
                Assert.True(Math.Abs(restored[k * N + n] - original) <= Math.Abs(residual) * 1e-3f + 1e-7f,
                    $"W[{k}, {n}] = {original}, restored {restored[k * N + n]}");
            }
        }
    }

    [Fact]
    public void Quantize_KeepsTheLargestMagnitudesInTheSparsePart()
    {
        var weight = RandomWeights.Matrix(K, N);
        var settings = new QuantizationSettings(4, 0.02, 0);

        var matrix = DenseSparseQuantizer.Quantize("w", weight, K, N, WeightSensitivity.Uniform, settings);

        var kept = new HashSet<int>();
        for (var n = 0; n < N; n++)
        {
            for (var s = matrix.SparseStarts[n]; s < matrix.SparseStarts[n + 1]; s++)
            {
                kept.Add(matrix.SparseInputs[s] * N + n);
            }
        }
        var largest = Enumerable.Range(0, K * N).OrderByDescending(i => Math.Abs(weight[i])).Take(kept.Count);
        Assert.Equal(largest.Order(), kept.Order());
    }

    [Fact]
    public void Quantize_SparsePart_LowersTheErrorAndMoreBitsLowerItAgain()
    {
        var weight = RandomWeights.Matrix(K, N);
        var sensitivity = WeightSensitivity.PerInput(RandomWeights.Sensitivities(K));

        var error3Dense = Error(weight, DenseSparseQuantizer.Quantize("w", weight, K, N, sensitivity, new QuantizationSettings(3, 0, 0)));
        var error3 = Error(weight, DenseSparseQuantizer.Quantize("w", weight, K, N, sensitivity, new QuantizationSettings(3)));
        var error4 = Error(weight, DenseSparseQuantizer.Quantize("w", weight, K, N, sensitivity, new QuantizationSettings(4)));

        Assert.True(error3 < error3Dense, $"3-bit with sparse {error3} vs dense only {error3Dense}");
        Assert.True(error4 < error3, $"4-bit {error4} vs 3-bit {error3}");
    }

    [Fact]
    public void Quantize_BeatsRoundToNearestAtTheSameBits()
    {
        // Channels of 256 inputs: two RTN groups each, against one 16-entry table.
        const int inputs = 256, outputs = 16;
        var weight = RandomWeights.Matrix(inputs, outputs);

        var squeeze = Error(weight, DenseSparseQuantizer.Quantize("w", weight, inputs, outputs, WeightSensitivity.Uniform, new QuantizationSettings(4)));
        var rtn = Error(weight, RoundToNearestQuantizer.Quantize(weight, inputs, outputs, 4));

        Assert.True(squeeze < rtn, $"dense-and-sparse {squeeze} vs round-to-nearest {rtn}");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(8)]
    public void Quantize_BitsOutOfRange_NamesTheFlag(int bits)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            DenseSparseQuantizer.Quantize("w", new float[4], 2, 2, WeightSensitivity.Uniform, new QuantizationSettings(bits)));

        Assert.Contains($"--bits {bits} is out of range", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantize_SensitivityOfAnotherShape_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => DenseSparseQuantizer.Quantize("layer.w", new float[6], 2, 3,
            WeightSensitivity.PerWeight(new float[4], 2), new QuantizationSettings(4)));

        Assert.Contains("layer.w", error.Message, StringComparison.Ordinal);
    }

    private static double Error(float[] weight, DenseSparseMatrix matrix) => Error(weight, matrix.Dequantize());

    private static double Error(float[] weight, float[] restored) => weight.Select((w, i) => Math.Pow(w - restored[i], 2)).Sum();
}
