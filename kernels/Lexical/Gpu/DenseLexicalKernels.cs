using ILGPU;
using ILGPU.Runtime;
using Sieve.Kernels.Gpu;

namespace Sieve.Kernels.Lexical.Gpu;

/// <summary>
/// <c>lexical-head/dense</c> on the GPU, the unfused reference: <see cref="Logits"/> writes logits [B·S, V] (no bias) for
/// the valid tokens with the fused kernel's tiling (<see cref="LexicalTile"/>), <see cref="Pool"/> reads them back for
/// the maximum per (sequence, term) and applies bias, relu and log1p. Padding rows are neither written nor read.
/// </summary>
public static class DenseLexicalKernels
{
    /// <summary>Threads per group of <see cref="Pool"/> (one term each).</summary>
    public const int PoolThreads = 256;

    /// <summary>
    /// logits[(b·S + s)·V + v] = h[b, s] · W[v] for s &lt; lengths[b]. Launch: grid (⌈V / 128⌉, ⌈S / 64⌉, B), group 256,
    /// shared <see cref="LexicalTile.SharedBytes"/>.
    /// </summary>
    [GpuKernel]
    public static void Logits(ArrayView<float> hidden, ArrayView<int> lengths, ArrayView<float> weightsT, ArrayView<float> logits,
        LexicalKernelParameters p)
    {
        var shared = SharedMemory.GetDynamic<Float4>().AsAligned(16);
        var b = Grid.IdxZ;
        var s0 = Grid.IdxY * LexicalTile.Tokens;
        var length = lengths[b];
        if (s0 >= length)
        {
            return; // uniform across the group
        }
        var v0 = Grid.IdxX * LexicalTile.Terms;
        var t = Group.IdxX;
        var tx = t & 15;
        var ty = t >> 4;
        LexicalTile.Logits(shared, hidden, weightsT, p, b, s0, length, v0, out var a0, out var a1, out var a2, out var a3);
        var s = s0 + 4 * ty;
        var row = ((long)b * p.Sequence + s) * p.Vocabulary;
        var first = v0 + 4 * tx;
        Store(logits, row, first, s < length, p.Vocabulary, a0);
        Store(logits, row + p.Vocabulary, first, s + 1 < length, p.Vocabulary, a1);
        Store(logits, row + 2L * p.Vocabulary, first, s + 2 < length, p.Vocabulary, a2);
        Store(logits, row + 3L * p.Vocabulary, first, s + 3 < length, p.Vocabulary, a3);
    }

    /// <summary>
    /// output[b·V + v] = log(1 + relu(max over s &lt; lengths[b] of logits[(b·S + s)·V + v] + bias[v])), 0 for an empty
    /// sequence. Launch: grid (⌈V / 256⌉, B, 1), group <see cref="PoolThreads"/>.
    /// </summary>
    [GpuKernel]
    public static void Pool(ArrayView<float> logits, ArrayView<int> lengths, ArrayView<float> bias, ArrayView<float> output, LexicalKernelParameters p)
    {
        var b = Grid.IdxY;
        var v = Grid.IdxX * PoolThreads + Group.IdxX;
        if (v >= p.Vocabulary)
        {
            return;
        }
        var length = lengths[b];
        var m = float.NegativeInfinity;
        var at = (long)b * p.Sequence * p.Vocabulary + v;
        for (var s = 0; s < length; s++)
        {
            m = MathF.Max(m, logits[at]);
            at += p.Vocabulary;
        }
        output[b * p.Vocabulary + v] = LexicalTile.Weight(m + bias[v]);
    }

    private static void Store(ArrayView<float> logits, long row, int first, bool valid, int vocabulary, Vec8 a)
    {
        if (!valid)
        {
            return;
        }
        S(logits, row, first, vocabulary, a.X0);
        S(logits, row, first + 1, vocabulary, a.X1);
        S(logits, row, first + 2, vocabulary, a.X2);
        S(logits, row, first + 3, vocabulary, a.X3);
        S(logits, row, first + 64, vocabulary, a.X4);
        S(logits, row, first + 65, vocabulary, a.X5);
        S(logits, row, first + 66, vocabulary, a.X6);
        S(logits, row, first + 67, vocabulary, a.X7);
    }

    private static void S(ArrayView<float> logits, long row, int v, int vocabulary, float value)
    {
        if (v < vocabulary)
        {
            logits[row + v] = value;
        }
    }
}
