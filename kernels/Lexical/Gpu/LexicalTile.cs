using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;
using Sieve.Kernels.Gpu;

namespace Sieve.Kernels.Lexical.Gpu;

/// <summary>
/// The GEMM tile both GPU heads share: a group of <see cref="Threads"/> threads computes the logits of
/// <see cref="Terms"/> terms × <see cref="Tokens"/> tokens, stepping through the hidden features <see cref="Depth"/> at a
/// time. Each step stages W (from the transposed, padded copy, [paddedHidden, paddedVocabulary]: two 16-byte loads a
/// thread) and the hidden rows (transposed into [feature][token]) in shared memory; then thread (tx = t % 16,
/// ty = t / 16) accumulates its 4 tokens (4·ty + j) × 8 terms (4·tx + x, 64 + 4·tx + x) in 32 registers: per feature
/// three 16-byte shared loads feed 32 FMAs. Device code.
/// </summary>
public static class LexicalTile
{
    /// <summary>Terms per group (a vocabulary tile).</summary>
    public const int Terms = 128;

    /// <summary>Tokens per tile.</summary>
    public const int Tokens = 64;

    /// <summary>Hidden features per staging step.</summary>
    public const int Depth = 16;

    /// <summary>Threads per group.</summary>
    public const int Threads = 256;

    /// <summary>Float4s per staged W row (128 terms + 4 pad).</summary>
    private const int WeightStride4 = Terms / 4 + 1;

    /// <summary>Floats per staged hidden row (64 tokens + 4 pad).</summary>
    private const int HiddenStride = Tokens + 4;

    private const int HiddenAt = Depth * WeightStride4 * 4;

    /// <summary>Dynamic shared memory of one group.</summary>
    public const int SharedBytes = (HiddenAt + Depth * HiddenStride) * 4;

    /// <summary>
    /// This thread's 4 × 8 logits (no bias) of tokens [s0, s0 + 64) of sequence b (tokens at or past
    /// <paramref name="length"/> read zeros) against terms [v0, v0 + 128). Starts and ends with every thread past a
    /// barrier-free point, so callers may reuse shared memory only after a barrier.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Logits(ArrayView<Float4> shared, ArrayView<float> hidden, ArrayView<float> weightsT, LexicalKernelParameters p,
        int b, int s0, int length, int v0, out Vec8 a0, out Vec8 a1, out Vec8 a2, out Vec8 a3)
    {
        var t = Group.IdxX;
        var tx = t & 15;
        var ty = t >> 4;
        var scalar = shared.Cast<float>();
        var w4 = weightsT.Cast<Float4>().AsAligned(16);
        var h4 = hidden.Cast<Float4>().AsAligned(16);
        a0 = Vec8.Splat(0f);
        a1 = a0;
        a2 = a0;
        a3 = a0;
        var rowBase = (b * p.Sequence + s0) * p.Hidden;
        for (var k0 = 0; k0 < p.PaddedHidden; k0 += Depth)
        {
            Group.Barrier(); // the previous step (or the caller) is done with shared memory
            // W: 16 rows × 32 float4s, two a thread.
            for (var i = 0; i < 2; i++)
            {
                var index = i * Threads + t;
                var k = index >> 5;
                var c = index & 31;
                shared[k * WeightStride4 + c] = w4[((k0 + k) * p.PaddedVocabulary + v0) / 4 + c];
            }
            // Hidden: 64 tokens × 16 features, transposed.
            if (p.Hidden4 != 0)
            {
                var token = t >> 2;
                var c = t & 3;
                var feature = k0 + 4 * c;
                var value = s0 + token < length && feature < p.Hidden ? h4[(rowBase + token * p.Hidden + feature) / 4] : Float4.Zero;
                var at = HiddenAt + 4 * c * HiddenStride + token;
                scalar[at] = value.X;
                scalar[at + HiddenStride] = value.Y;
                scalar[at + 2 * HiddenStride] = value.Z;
                scalar[at + 3 * HiddenStride] = value.W;
            }
            else
            {
                for (var i = 0; i < 4; i++)
                {
                    var index = i * Threads + t;
                    var token = index >> 4;
                    var k = index & 15;
                    var feature = k0 + k;
                    scalar[HiddenAt + k * HiddenStride + token] =
                        s0 + token < length && feature < p.Hidden ? hidden[rowBase + token * p.Hidden + feature] : 0f;
                }
            }
            Group.Barrier();
            var wAt = tx;
            var hAt = HiddenAt / 4 + ty;
            for (var k = 0; k < Depth; k++)
            {
                var w0 = shared[wAt];
                var w1 = shared[wAt + 16];
                var h = shared[hAt];
                a0 = Vec8.Fma(a0, h.X, w0, w1);
                a1 = Vec8.Fma(a1, h.Y, w0, w1);
                a2 = Vec8.Fma(a2, h.Z, w0, w1);
                a3 = Vec8.Fma(a3, h.W, w0, w1);
                wAt += WeightStride4;
                hAt += HiddenStride / 4;
            }
        }
    }

    /// <summary>log(1 + relu(x)) with the GPU's lg2 (MathF.Log has no PTX implementation without ILGPU.Algorithms).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Weight(float x) => IntrinsicMath.CPUOnly.Log2(1f + MathF.Max(x, 0f)) * 0.693147180559945309f;
}
