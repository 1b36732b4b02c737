namespace Sieve.Plugins.Quantization.Tests;

/// <summary>Weights that look like a trained layer's: Gaussian, with a few large outliers.</summary>
internal static class RandomWeights
{
    public static float[] Matrix(int inputSize, int outputSize, int seed = 7)
    {
        var random = new Random(seed);
        var weights = new float[inputSize * outputSize];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)Gaussian(random) * 0.05f;
            if (random.NextDouble() < 0.003)
            {
                weights[i] *= 20;
            }
        }
        return weights;
    }

    public static float[] Vector(int length, int seed = 11)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = (float)Gaussian(random);
        }
        return values;
    }

    /// <summary>Positive sensitivities spread over two orders of magnitude.</summary>
    public static float[] Sensitivities(int length, int seed = 13)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = (float)Math.Exp(random.NextDouble() * 4.6);
        }
        return values;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
