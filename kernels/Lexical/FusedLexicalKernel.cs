using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sieve.Kernels.Lexical;

/// <summary>
/// The micro-kernel of both heads: the logits of one panel of 16 terms against the tokens of one sequence. Tokens go
/// <see cref="Rows"/> at a time; the 4 × 16 logits of a step live in eight Vector256 accumulators (fused multiply-add
/// over the hidden features) and go to a sink: <see cref="PanelMax"/> folds them into two running maxima at once (the
/// fused head: nothing but the 16 maxima is written), <see cref="PanelLogits"/> stores them into a logits buffer (the
/// dense head, which thus multiplies exactly as fast). A step past the last token repeats the last valid row, which
/// leaves a maximum unchanged and is not stored. Thread-safe (no state).
/// </summary>
public static class FusedLexicalKernel
{
    /// <summary>Tokens per step.</summary>
    public const int Rows = 4;

    /// <summary>Panels per work item of both heads' CPU encoders (128 terms): work items are (sequence, block of panels).</summary>
    public const int PanelsPerBlock = 8;

    private const int Terms = PackedVocabulary.PanelTerms;

    /// <summary>Writes the 16 maximum logits (no bias) of <paramref name="panel"/> over the <paramref name="tokens"/> rows.</summary>
    /// <param name="panel">[hidden, 16], a panel of <see cref="PackedVocabulary"/>.</param>
    /// <param name="rows">[tokens, hidden], the valid rows of one sequence.</param>
    /// <param name="tokens">At least 1.</param>
    /// <param name="hidden">The hidden size.</param>
    /// <param name="maxima">16 floats, overwritten.</param>
    /// <param name="vectorized">Use Vector256 (the scalar path serves machines without it, and tests).</param>
    public static void PanelMax(ReadOnlySpan<float> panel, ReadOnlySpan<float> rows, int tokens, int hidden, Span<float> maxima, bool vectorized)
    {
        Debug.Assert(maxima.Length >= Terms);
        var sink = new MaxSink(maxima);
        Run(panel, rows, tokens, hidden, ref sink, vectorized);
    }

    /// <summary>
    /// Writes the logits (no bias) of <paramref name="panel"/> for the <paramref name="tokens"/> rows: the logit of token
    /// t and panel term j goes to <c>logits[t * stride + j]</c> for j below <paramref name="terms"/> (the last panel of a
    /// vocabulary is partial).
    /// </summary>
    /// <param name="panel">[hidden, 16], a panel of <see cref="PackedVocabulary"/>.</param>
    /// <param name="rows">[tokens, hidden], the valid rows of one sequence.</param>
    /// <param name="tokens">At least 1.</param>
    /// <param name="hidden">The hidden size.</param>
    /// <param name="logits">Where token 0's logit of the panel's first term goes; row t starts <paramref name="stride"/> further.</param>
    /// <param name="stride">Floats from one token's row of logits to the next (the vocabulary size).</param>
    /// <param name="terms">Terms of the panel to store, 1 to 16.</param>
    /// <param name="vectorized">Use Vector256 (the scalar path serves machines without it, and tests).</param>
    public static void PanelLogits(ReadOnlySpan<float> panel, ReadOnlySpan<float> rows, int tokens, int hidden, Span<float> logits, int stride, int terms, bool vectorized)
    {
        Debug.Assert(terms is >= 1 and <= Terms && logits.Length >= (tokens - 1) * stride + terms);
        var sink = new StoreSink(logits, stride, terms, tokens);
        Run(panel, rows, tokens, hidden, ref sink, vectorized);
    }

    private static void Run<TSink>(ReadOnlySpan<float> panel, ReadOnlySpan<float> rows, int tokens, int hidden, ref TSink sink, bool vectorized)
        where TSink : ITileSink, allows ref struct
    {
        Debug.Assert(tokens >= 1 && rows.Length >= tokens * hidden && panel.Length == hidden * Terms);
        if (vectorized && Vector256.IsHardwareAccelerated)
        {
            RunVector(panel, rows, tokens, hidden, ref sink);
        }
        else
        {
            RunScalar(panel, rows, tokens, hidden, ref sink);
        }
    }

    private static void RunVector<TSink>(ReadOnlySpan<float> panel, ReadOnlySpan<float> rows, int tokens, int hidden, ref TSink sink)
        where TSink : ITileSink, allows ref struct
    {
        ref var w0 = ref MemoryMarshal.GetReference(panel);
        ref var h = ref MemoryMarshal.GetReference(rows);
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
                w = ref Unsafe.Add(ref w, Terms);
            }
            sink.Step(t, a0, b0, a1, b1, a2, b2, a3, b3);
        }
    }

    private static void RunScalar<TSink>(ReadOnlySpan<float> panel, ReadOnlySpan<float> rows, int tokens, int hidden, ref TSink sink)
        where TSink : ITileSink, allows ref struct
    {
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
            sink.Row(t, sums);
        }
    }

    /// <summary>Where the kernel's logits go: an operator struct, so each sink gets its own inlined copy of the kernel.</summary>
    private interface ITileSink
    {
        /// <summary>The logits of tokens t .. t + 3 (x0/y0: terms 0-7/8-15 of token t, ...); rows past the last token repeat it.</summary>
        void Step(int t, Vector256<float> x0, Vector256<float> y0, Vector256<float> x1, Vector256<float> y1, Vector256<float> x2, Vector256<float> y2,
            Vector256<float> x3, Vector256<float> y3);

        /// <summary>The 16 logits of token t (the scalar path).</summary>
        void Row(int t, scoped ReadOnlySpan<float> logits);
    }

    /// <summary>Keeps the running maxima in the 16 floats it was given (2 loads and 2 stores per step of 4 × hidden FMAs).</summary>
    private readonly ref struct MaxSink : ITileSink
    {
        private readonly Span<float> _maxima;

        public MaxSink(Span<float> maxima)
        {
            _maxima = maxima[..Terms];
            _maxima.Fill(float.NegativeInfinity);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step(int t, Vector256<float> x0, Vector256<float> y0, Vector256<float> x1, Vector256<float> y1, Vector256<float> x2, Vector256<float> y2,
            Vector256<float> x3, Vector256<float> y3)
        {
            ref var m = ref MemoryMarshal.GetReference(_maxima);
            var low = Vector256.MaxNative(Vector256.MaxNative(x0, x1), Vector256.MaxNative(x2, x3));
            var high = Vector256.MaxNative(Vector256.MaxNative(y0, y1), Vector256.MaxNative(y2, y3));
            Vector256.MaxNative(Vector256.LoadUnsafe(ref m), low).StoreUnsafe(ref m);
            Vector256.MaxNative(Vector256.LoadUnsafe(ref m, 8), high).StoreUnsafe(ref m, 8);
        }

        public void Row(int t, scoped ReadOnlySpan<float> logits)
        {
            for (var j = 0; j < Terms; j++)
            {
                _maxima[j] = Math.Max(_maxima[j], logits[j]);
            }
        }
    }

    /// <summary>Stores each valid token's logits (the first <c>count</c> of the panel's terms) into a row of the logits buffer.</summary>
    private readonly ref struct StoreSink(Span<float> logits, int stride, int count, int tokens) : ITileSink
    {
        private readonly Span<float> _logits = logits;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step(int t, Vector256<float> x0, Vector256<float> y0, Vector256<float> x1, Vector256<float> y1, Vector256<float> x2, Vector256<float> y2,
            Vector256<float> x3, Vector256<float> y3)
        {
            Store(t, x0, y0);
            if (t + 1 < tokens)
            {
                Store(t + 1, x1, y1);
            }
            if (t + 2 < tokens)
            {
                Store(t + 2, x2, y2);
            }
            if (t + 3 < tokens)
            {
                Store(t + 3, x3, y3);
            }
        }

        public void Row(int t, scoped ReadOnlySpan<float> logits) => logits[..count].CopyTo(_logits.Slice(t * stride, count));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Store(int t, Vector256<float> low, Vector256<float> high)
        {
            var target = _logits.Slice(t * stride, count);
            if (count == Terms)
            {
                low.StoreUnsafe(ref MemoryMarshal.GetReference(target));
                high.StoreUnsafe(ref MemoryMarshal.GetReference(target), 8);
                return;
            }
            for (var j = 0; j < count; j++) // the last, partial panel of the vocabulary
            {
                target[j] = j < 8 ? low.GetElement(j) : high.GetElement(j - 8);
            }
        }
    }
}
