using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sieve.Plugins.Heads;

/// <summary>
/// The fused micro-kernel: the maximum over the tokens of one sequence of the logits of one panel of 16 terms. Tokens go
/// <see cref="Rows"/> at a time; the 4 × 16 logits of a step live in eight Vector256 accumulators (fused multiply-add
/// over the hidden features) and are folded into two running maxima at once, so nothing but the 16 maxima is written.
/// A step past the last token repeats the last valid row, which leaves a maximum unchanged. Thread-safe (no state).
/// </summary>
internal static class FusedLexicalKernel
{
    /// <summary>Tokens per step.</summary>
    public const int Rows = 4;

    /// <summary>Writes the 16 maximum logits (no bias) of <paramref name="panel"/> over the <paramref name="tokens"/> rows.</summary>
    /// <param name="panel">[hidden, 16], a panel of <see cref="PackedVocabulary"/>.</param>
    /// <param name="rows">[tokens, hidden], the valid rows of one sequence.</param>
    /// <param name="tokens">At least 1.</param>
    /// <param name="hidden">The hidden size.</param>
    /// <param name="maxima">16 floats, overwritten.</param>
    /// <param name="vectorized">Use Vector256 (the scalar path serves machines without it, and tests).</param>
    public static void PanelMax(ReadOnlySpan<float> panel, ReadOnlySpan<float> rows, int tokens, int hidden, Span<float> maxima, bool vectorized)
    {
        Debug.Assert(tokens >= 1 && rows.Length >= tokens * hidden && panel.Length == hidden * PackedVocabulary.PanelTerms && maxima.Length >= 16);
        if (vectorized && Vector256.IsHardwareAccelerated)
        {
            PanelMaxVector(panel, rows, tokens, hidden, maxima);
        }
        else
        {
            PanelMaxScalar(panel, rows, tokens, hidden, maxima);
        }
    }

    private static void PanelMaxVector(ReadOnlySpan<float> panel, ReadOnlySpan<float> rows, int tokens, int hidden, Span<float> maxima)
    {
        ref var w0 = ref MemoryMarshal.GetReference(panel);
        ref var h = ref MemoryMarshal.GetReference(rows);
        var m0 = Vector256.Create(float.NegativeInfinity);
        var m1 = m0;
        for (var t = 0; t < tokens; t += Rows)
        {
            var last = tokens - 1;
            ref var q0 = ref Unsafe.Add(ref h, t * hidden);
            ref var q1 = ref Unsafe.Add(ref h, Math.Min(t + 1, last) * hidden);
            ref var q2 = ref Unsafe.Add(ref h, Math.Min(t + 2, last) * hidden);
            ref var q3 = ref Unsafe.Add(ref h, Math.Min(t + 3, last) * hidden);
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            ref var w = ref w0;
            for (var k = 0; k < hidden; k++)
            {
                var k0 = Vector256.LoadUnsafe(ref w);
                var k1 = Vector256.LoadUnsafe(ref w, 8);
                var x0 = Vector256.Create(Unsafe.Add(ref q0, k));
                var x1 = Vector256.Create(Unsafe.Add(ref q1, k));
                var x2 = Vector256.Create(Unsafe.Add(ref q2, k));
                var x3 = Vector256.Create(Unsafe.Add(ref q3, k));
                a0 = Vector256.FusedMultiplyAdd(x0, k0, a0);
                b0 = Vector256.FusedMultiplyAdd(x0, k1, b0);
                a1 = Vector256.FusedMultiplyAdd(x1, k0, a1);
                b1 = Vector256.FusedMultiplyAdd(x1, k1, b1);
                a2 = Vector256.FusedMultiplyAdd(x2, k0, a2);
                b2 = Vector256.FusedMultiplyAdd(x2, k1, b2);
                a3 = Vector256.FusedMultiplyAdd(x3, k0, a3);
                b3 = Vector256.FusedMultiplyAdd(x3, k1, b3);
                w = ref Unsafe.Add(ref w, PackedVocabulary.PanelTerms);
            }
            m0 = Vector256.MaxNative(m0, Vector256.MaxNative(Vector256.MaxNative(a0, a1), Vector256.MaxNative(a2, a3)));
            m1 = Vector256.MaxNative(m1, Vector256.MaxNative(Vector256.MaxNative(b0, b1), Vector256.MaxNative(b2, b3)));
        }
        m0.StoreUnsafe(ref MemoryMarshal.GetReference(maxima));
        m1.StoreUnsafe(ref MemoryMarshal.GetReference(maxima), 8);
    }

    private static void PanelMaxScalar(ReadOnlySpan<float> panel, ReadOnlySpan<float> rows, int tokens, int hidden, Span<float> maxima)
    {
        const int Terms = PackedVocabulary.PanelTerms;
        maxima[..Terms].Fill(float.NegativeInfinity);
        Span<float> sums = stackalloc float[Terms];
        for (var t = 0; t < tokens; t++)
        {
            var row = rows.Slice(t * hidden, hidden);
            sums.Clear();
            for (var k = 0; k < hidden; k++)
            {
                var x = row[k];
                var w = panel.Slice(k * Terms, Terms);
                for (var j = 0; j < Terms; j++)
                {
                    sums[j] = MathF.FusedMultiplyAdd(x, w[j], sums[j]);
                }
            }
            for (var j = 0; j < Terms; j++)
            {
                maxima[j] = Math.Max(maxima[j], sums[j]);
            }
        }
    }
}
