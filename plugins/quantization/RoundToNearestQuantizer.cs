namespace Sieve.Plugins.Quantization;

/// <summary>
/// The peer every weight quantizer is compared with: round-to-nearest, group-wise, asymmetric. Per output channel, each
/// group of <see cref="GroupSize"/> consecutive input indices gets a float16 scale and minimum; a weight becomes
/// min + scale·round((w − min)/scale), clamped to the 2^bits levels. Simulated: the result is the dequantized matrix,
/// and <see cref="Bytes"/> says what the packed form would take. Thread-safe (stateless).
/// </summary>
internal static class RoundToNearestQuantizer
{
    public const int GroupSize = 128;

    /// <summary>W [K, N] dequantized after round-to-nearest at <paramref name="bits"/>.</summary>
    public static float[] Quantize(ReadOnlySpan<float> weight, int inputSize, int outputSize, int bits)
    {
        var levels = (1 << bits) - 1;
        var result = new float[weight.Length];
        for (var n = 0; n < outputSize; n++)
        {
            for (var start = 0; start < inputSize; start += GroupSize)
            {
                var end = Math.Min(inputSize, start + GroupSize);
                float min = float.PositiveInfinity, max = float.NegativeInfinity;
                for (var k = start; k < end; k++)
                {
                    var w = weight[k * outputSize + n];
                    min = Math.Min(min, w);
                    max = Math.Max(max, w);
                }
                var offset = (float)(Half)min;
                var scale = (float)(Half)((max - offset) / levels);
                for (var k = start; k < end; k++)
                {
                    var i = k * outputSize + n;
                    var level = scale > 0 ? Math.Clamp(MathF.Round((weight[i] - offset) / scale), 0, levels) : 0;
                    result[i] = offset + level * scale;
                }
            }
        }
        return result;
    }

    /// <summary>Bytes of the packed form: the indices plus a float16 scale and minimum per group.</summary>
    public static long Bytes(int inputSize, int outputSize, int bits) =>
        ((long)inputSize * outputSize * bits + 7) / 8 + (long)outputSize * ((inputSize + GroupSize - 1) / GroupSize) * 4;
}
