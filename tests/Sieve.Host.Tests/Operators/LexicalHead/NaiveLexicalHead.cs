namespace Sieve.Host.Tests.Operators.LexicalHead;

/// <summary>The oracle: w[b, v] = max over valid s of log(1 + relu(h · W_v + b_v)), written the obvious way in double precision.</summary>
internal static class NaiveLexicalHead
{
    public static double[] Weights(float[] hidden, int[] lengths, int sequence, float[] weights, float[] bias, int vocabulary, int d)
    {
        var result = new double[lengths.Length * vocabulary];
        for (var b = 0; b < lengths.Length; b++)
        {
            for (var v = 0; v < vocabulary; v++)
            {
                double best = 0;
                for (var s = 0; s < lengths[b]; s++)
                {
                    double dot = bias.Length == 0 ? 0 : bias[v];
                    for (var k = 0; k < d; k++)
                    {
                        dot += (double)hidden[(b * sequence + s) * d + k] * weights[v * d + k];
                    }
                    best = Math.Max(best, Math.Log(1 + Math.Max(0, dot)));
                }
                result[b * vocabulary + v] = best;
            }
        }
        return result;
    }
}
