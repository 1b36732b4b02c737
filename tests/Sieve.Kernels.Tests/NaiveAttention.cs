namespace Sieve.Kernels.Tests;

/// <summary>The oracle: attention written the obvious way, in double precision.</summary>
internal static class NaiveAttention
{
    public static float[] Compute(float[] q, float[] k, float[] v, AttentionDims dims, int[] keyLengths, float scale, bool causal, Func<int, int, int, bool>? allowed = null) =>
        Compute(q, k, v, dims, new int[dims.Batch], keyLengths, scale, causal, allowed);

    /// <summary>Row b sees keys [keyStarts[b], keyEnds[b]); a query that sees none gets zeros.</summary>
    public static float[] Compute(float[] q, float[] k, float[] v, AttentionDims dims, int[] keyStarts, int[] keyEnds, float scale, bool causal, Func<int, int, int, bool>? allowed = null)
    {
        var d = dims.HeadSize;
        var output = new float[q.Length];
        for (var b = 0; b < dims.Batch; b++)
        {
            for (var h = 0; h < dims.QueryHeads; h++)
            {
                var kvh = h / dims.Group;
                for (var i = 0; i < dims.QueryLength; i++)
                {
                    var scores = new double[dims.KeyLength];
                    var max = double.NegativeInfinity;
                    for (var j = 0; j < dims.KeyLength; j++)
                    {
                        var visible = j >= keyStarts[b] && j < keyEnds[b] && (!causal || j <= i + dims.CausalOffset) && (allowed?.Invoke(h, i, j) ?? true);
                        if (!visible)
                        {
                            scores[j] = double.NegativeInfinity;
                            continue;
                        }
                        double dot = 0;
                        for (var x = 0; x < d; x++)
                        {
                            dot += q[(((b * dims.QueryHeads) + h) * dims.QueryLength + i) * d + x] * (double)k[(((b * dims.KeyValueHeads) + kvh) * dims.KeyLength + j) * d + x];
                        }
                        scores[j] = dot * scale;
                        max = Math.Max(max, scores[j]);
                    }
                    if (double.IsNegativeInfinity(max))
                    {
                        continue;
                    }
                    var sum = scores.Sum(s => Math.Exp(s - max));
                    for (var x = 0; x < d; x++)
                    {
                        double acc = 0;
                        for (var j = 0; j < dims.KeyLength; j++)
                        {
                            acc += Math.Exp(scores[j] - max) / sum * v[(((b * dims.KeyValueHeads) + kvh) * dims.KeyLength + j) * d + x];
                        }
                        output[(((b * dims.QueryHeads) + h) * dims.QueryLength + i) * d + x] = (float)acc;
                    }
                }
            }
        }
        return output;
    }
}
