using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Sieve.Kernels;

/// <summary>
/// exp for softmax weights, in single precision throughout: range reduction x = n·ln2 + r (ln2 split in two parts so
/// n·ln2 is exact), a degree-6 polynomial for e^r on |r| ≤ ln2/2 (the Cephes expf coefficients, about 1 ulp), and 2^n
/// built in the exponent bits. Inputs below −87.3 (where e^x leaves the normal range, −∞ included) give 0. .NET's own
/// vectorized Exp computes in double precision and cost a quarter of the attention time on short heads.
/// </summary>
public static class FastExp
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    private const float Lowest = -87.3f;

    /// <summary>e^x per lane for x ≤ 88; 0 below −87.3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var underflow = Vector256.LessThan(x, Vector256.Create(Lowest));
        x = Vector256.Max(x, Vector256.Create(Lowest));
        var n = Vector256.Floor(Vector256.FusedMultiplyAdd(x, Vector256.Create(Log2E), Vector256.Create(0.5f)));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2High), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Low), r);
        var p = Vector256.Create(1.9875691500e-4f);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.3981999507e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(8.3334519073e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(4.1665795894e-2f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.6666665459e-1f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(5.0000001201e-1f));
        p = Vector256.FusedMultiplyAdd(p, r * r, r + Vector256<float>.One);
        var power = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();
        return Vector256.AndNot(p * power, underflow.AsSingle());
    }

    /// <summary>
    /// Replaces each x of <paramref name="row"/> by e^(x − <paramref name="maximum"/>) and returns their sum; −∞ gives 0.
    /// </summary>
    public static float ExpShiftedSum(Span<float> row, float maximum)
    {
        var i = 0;
        var sum = 0f;
        if (Vector256.IsHardwareAccelerated && row.Length >= 8)
        {
            ref var x = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(row);
            var shift = Vector256.Create(maximum);
            var total = Vector256<float>.Zero;
            for (; i + 8 <= row.Length; i += 8)
            {
                var weights = Exp(Vector256.LoadUnsafe(ref x, (nuint)i) - shift);
                weights.StoreUnsafe(ref x, (nuint)i);
                total += weights;
            }
            sum = Vector256.Sum(total);
        }
        for (; i < row.Length; i++)
        {
            row[i] = MathF.Exp(row[i] - maximum);
            sum += row[i];
        }
        return sum;
    }
}
