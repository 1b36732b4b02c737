namespace Sieve.Kernels;

/// <summary>log Σ exp(x) of a row: the softmax normaliser the selections and the evaluations share. Thread-safe (no state).</summary>
public static class LogSumExp
{
    /// <summary>log Σ exp(values), the maximum taken in float, the sum in double, in index order (−∞ for an empty row).</summary>
    public static double Of(ReadOnlySpan<float> values)
    {
        var max = float.NegativeInfinity;
        foreach (var value in values)
        {
            max = Math.Max(max, value);
        }
        double sum = 0;
        foreach (var value in values)
        {
            sum += Math.Exp(value - max);
        }
        return max + Math.Log(sum);
    }
}
