using ILGPU;
using ILGPU.Runtime;
using Sieve.Kernels.Gpu;

namespace Sieve.Kernels.Lexical.Gpu;

/// <summary>
/// <c>lexical-head/fused</c> on the GPU: pooled weights [B, V] = max over valid tokens of log(1 + relu(h·W_v + b_v)),
/// never materializing the [B, S, V] logits. A group owns 128 terms of one sequence and walks its valid tokens 64 at a
/// time (<see cref="LexicalTile"/>); each thread folds its 4 × 8 logits into 8 running maxima in registers; at the end
/// the 16 token groups' maxima meet in shared memory, and bias, relu and log1p are applied once per term (monotonic).
/// </summary>
/// <remarks>
/// Launch: grid (⌈V / 128⌉, B, 1), group 256, shared <see cref="LexicalTile.SharedBytes"/>. weightsT is W transposed and
/// zero-padded, [paddedHidden, paddedVocabulary], 16-byte aligned; hidden 16-byte aligned when Hidden4 is 1.
/// </remarks>
public static class FusedLexicalHeadKernel
{
    /// <summary>The kernel: one group per 128 terms × 64 tokens tile of one sequence, maxima kept in registers (see the class remarks).</summary>
    [GpuKernel]
    public static void Run(ArrayView<float> hidden, ArrayView<int> lengths, ArrayView<float> weightsT, ArrayView<float> bias,
        ArrayView<float> output, LexicalKernelParameters p)
    {
        var shared = SharedMemory.GetDynamic<Float4>().AsAligned(16);
        var scalar = shared.Cast<float>();
        var b = Grid.IdxY;
        var v0 = Grid.IdxX * LexicalTile.Terms;
        var t = Group.IdxX;
        var tx = t & 15;
        var ty = t >> 4;
        var length = lengths[b];
        var m = Vec8.Splat(float.NegativeInfinity);
        for (var s0 = 0; s0 < length; s0 += LexicalTile.Tokens)
        {
            LexicalTile.Logits(shared, hidden, weightsT, p, b, s0, length, v0, out var a0, out var a1, out var a2, out var a3);
            var s = s0 + 4 * ty;
            if (s < length)
            {
                m = Vec8.Max(m, a0);
            }
            if (s + 1 < length)
            {
                m = Vec8.Max(m, a1);
            }
            if (s + 2 < length)
            {
                m = Vec8.Max(m, a2);
            }
            if (s + 3 < length)
            {
                m = Vec8.Max(m, a3);
            }
        }
        Group.Barrier(); // everyone is done with the tiles
        var at = ty * LexicalTile.Terms + 4 * tx;
        scalar[at] = m.X0;
        scalar[at + 1] = m.X1;
        scalar[at + 2] = m.X2;
        scalar[at + 3] = m.X3;
        scalar[at + 64] = m.X4;
        scalar[at + 65] = m.X5;
        scalar[at + 66] = m.X6;
        scalar[at + 67] = m.X7;
        Group.Barrier();
        var v = v0 + t;
        if (t < LexicalTile.Terms && v < p.Vocabulary)
        {
            var r = scalar[t];
            for (var j = 1; j < LexicalTile.Threads / 16; j++)
            {
                r = MathF.Max(r, scalar[j * LexicalTile.Terms + t]);
            }
            output[b * p.Vocabulary + v] = LexicalTile.Weight(r + bias[v]);
        }
    }
}
