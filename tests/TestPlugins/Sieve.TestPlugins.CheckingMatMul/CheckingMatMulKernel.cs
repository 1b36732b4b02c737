using System.Numerics;
using Sieve.Abstractions;

namespace Sieve.TestPlugins.CheckingMatMul;

/// <summary>Y = X · W for X [..., K] and W [K, N], after checking both; plain loops over rows, vectorized over N.</summary>
public sealed class CheckingMatMulKernel : ICustomKernel
{
    public void Compute(ICustomKernelContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var x = context.Input<float>(0);
        var w = context.Input<float>(1);
        if (w.Shape.Rank != 2 || x.Shape.Rank < 1 || x.Shape[-1] != w.Shape[0])
        {
            throw new InvalidOperationException($"X {x.Shape} and W {w.Shape} do not multiply");
        }
        var (k, n) = ((int)w.Shape[0], (int)w.Shape[1]);
        var rows = (int)(x.Shape.ElementCount / k);
        var xs = x.Span;
        var ws = w.Span;
        foreach (var value in xs)
        {
            if (!float.IsFinite(value))
            {
                throw new InvalidOperationException($"X holds a non-finite value ({value})");
            }
        }
        var y = context.Output<float>(0, new TensorShape([.. x.Shape.Dimensions[..^1], n])).Span;
        y.Clear();
        var width = Vector<float>.Count;
        for (var r = 0; r < rows; r++)
        {
            var row = y.Slice(r * n, n);
            for (var i = 0; i < k; i++)
            {
                var a = xs[r * k + i];
                var weights = ws.Slice(i * n, n);
                var j = 0;
                for (; j <= n - width; j += width)
                {
                    (new Vector<float>(row[j..]) + new Vector<float>(weights[j..]) * a).CopyTo(row[j..]);
                }
                for (; j < n; j++)
                {
                    row[j] += weights[j] * a;
                }
            }
        }
    }
}
