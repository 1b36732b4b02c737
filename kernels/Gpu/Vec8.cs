using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ILGPU;

namespace Sieve.Kernels.Gpu;

/// <summary>
/// Eight floats one GPU thread keeps in registers: a column of its micro-tile (eight query rows of the flash kernels,
/// eight vocabulary terms of the lexical heads). A value type with
/// pure static operations, so ILGPU keeps it in registers (no address is ever taken). Device code.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct Vec8(float x0, float x1, float x2, float x3, float x4, float x5, float x6, float x7)
{
    /// <summary>Element 0.</summary>
    public float X0 { get; } = x0;

    /// <summary>Element 1.</summary>
    public float X1 { get; } = x1;

    /// <summary>Element 2.</summary>
    public float X2 { get; } = x2;

    /// <summary>Element 3.</summary>
    public float X3 { get; } = x3;

    /// <summary>Element 4.</summary>
    public float X4 { get; } = x4;

    /// <summary>Element 5.</summary>
    public float X5 { get; } = x5;

    /// <summary>Element 6.</summary>
    public float X6 { get; } = x6;

    /// <summary>Element 7.</summary>
    public float X7 { get; } = x7;

    /// <summary>All eight elements <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec8 Splat(float value) => new(value, value, value, value, value, value, value, value);

    /// <summary>Elements <paramref name="index"/> + i·<paramref name="stride"/> of <paramref name="view"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec8 Load(ArrayView<float> view, int index, int stride) => new(
        view[index], view[index + stride], view[index + 2 * stride], view[index + 3 * stride],
        view[index + 4 * stride], view[index + 5 * stride], view[index + 6 * stride], view[index + 7 * stride]);

    /// <summary>Stores the elements at <paramref name="index"/> + i·<paramref name="stride"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ArrayView<float> view, int index, int stride, Vec8 value)
    {
        view[index] = value.X0;
        view[index + stride] = value.X1;
        view[index + 2 * stride] = value.X2;
        view[index + 3 * stride] = value.X3;
        view[index + 4 * stride] = value.X4;
        view[index + 5 * stride] = value.X5;
        view[index + 6 * stride] = value.X6;
        view[index + 7 * stride] = value.X7;
    }

    /// <summary><paramref name="acc"/> + <paramref name="a"/>·<paramref name="b"/>, element-wise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec8 Fma(Vec8 acc, Vec8 a, float b) => new(
        acc.X0 + a.X0 * b, acc.X1 + a.X1 * b, acc.X2 + a.X2 * b, acc.X3 + a.X3 * b,
        acc.X4 + a.X4 * b, acc.X5 + a.X5 * b, acc.X6 + a.X6 * b, acc.X7 + a.X7 * b);

    /// <summary>Element-wise sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec8 Add(Vec8 a, Vec8 b) => new(a.X0 + b.X0, a.X1 + b.X1, a.X2 + b.X2, a.X3 + b.X3, a.X4 + b.X4, a.X5 + b.X5, a.X6 + b.X6, a.X7 + b.X7);

    /// <summary>Element-wise product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec8 Multiply(Vec8 a, Vec8 b) => new(a.X0 * b.X0, a.X1 * b.X1, a.X2 * b.X2, a.X3 * b.X3, a.X4 * b.X4, a.X5 * b.X5, a.X6 * b.X6, a.X7 * b.X7);

    /// <summary><paramref name="a"/> + h·(w0, w1), element-wise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec8 Fma(Vec8 a, float h, Float4 w0, Float4 w1) => new(
        a.X0 + h * w0.X, a.X1 + h * w0.Y, a.X2 + h * w0.Z, a.X3 + h * w0.W,
        a.X4 + h * w1.X, a.X5 + h * w1.Y, a.X6 + h * w1.Z, a.X7 + h * w1.W);

    /// <summary>Element-wise maximum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec8 Max(Vec8 a, Vec8 b) => new(
        MathF.Max(a.X0, b.X0), MathF.Max(a.X1, b.X1), MathF.Max(a.X2, b.X2), MathF.Max(a.X3, b.X3),
        MathF.Max(a.X4, b.X4), MathF.Max(a.X5, b.X5), MathF.Max(a.X6, b.X6), MathF.Max(a.X7, b.X7));

    /// <summary>2^(x − m), element-wise (−∞ gives 0); scores are kept in base 2 (scaled by log₂e) for the GPU's ex2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec8 Exp2(Vec8 x, Vec8 m) => new(
        E(x.X0 - m.X0), E(x.X1 - m.X1), E(x.X2 - m.X2), E(x.X3 - m.X3), E(x.X4 - m.X4), E(x.X5 - m.X5), E(x.X6 - m.X6), E(x.X7 - m.X7));

    /// <summary>2^x: ex2.approx on the GPU (MathF.Exp has no PTX implementation without ILGPU.Algorithms).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float E(float x) => IntrinsicMath.CPUOnly.Exp2(x);

    /// <summary>Each element, or 0 where it is −∞ (a row that has seen no key yet), so that 2^(x − m) stays defined.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec8 FiniteOrZero(Vec8 a) => new(F(a.X0), F(a.X1), F(a.X2), F(a.X3), F(a.X4), F(a.X5), F(a.X6), F(a.X7));

    /// <summary>1/x where x &gt; 0, else 0 (a row that saw no key outputs zeros).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec8 ReciprocalOrZero(Vec8 a) => new(R(a.X0), R(a.X1), R(a.X2), R(a.X3), R(a.X4), R(a.X5), R(a.X6), R(a.X7));

    /// <summary>
    /// Keeps element i where <paramref name="key"/> &lt; min(<paramref name="end"/>, <paramref name="limit"/> + i·<paramref name="limitStep"/>),
    /// else −∞: the mask of one key against eight query rows (each row's causal limit grows by the row stride).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec8 Mask(Vec8 s, int key, int end, int limit, int limitStep) => key >= end
        ? Splat(float.NegativeInfinity)
        : new(
            M(s.X0, key, limit), M(s.X1, key, limit + limitStep), M(s.X2, key, limit + 2 * limitStep), M(s.X3, key, limit + 3 * limitStep),
            M(s.X4, key, limit + 4 * limitStep), M(s.X5, key, limit + 5 * limitStep), M(s.X6, key, limit + 6 * limitStep), M(s.X7, key, limit + 7 * limitStep));

    /// <summary>Keeps element i where <paramref name="key"/> &lt; <paramref name="limits"/>.Xi (integers held exactly as floats), else −∞.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec8 MaskBelow(Vec8 s, float key, Vec8 limits) => new(
        key < limits.X0 ? s.X0 : float.NegativeInfinity, key < limits.X1 ? s.X1 : float.NegativeInfinity,
        key < limits.X2 ? s.X2 : float.NegativeInfinity, key < limits.X3 ? s.X3 : float.NegativeInfinity,
        key < limits.X4 ? s.X4 : float.NegativeInfinity, key < limits.X5 ? s.X5 : float.NegativeInfinity,
        key < limits.X6 ? s.X6 : float.NegativeInfinity, key < limits.X7 ? s.X7 : float.NegativeInfinity);

    /// <summary>Maximum over the lanes whose index differs in the bits of <paramref name="lanes"/> − 1 (a power of two ≤ 32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec8 WarpMax(Vec8 a, int lanes)
    {
        for (var mask = 1; mask < lanes; mask <<= 1)
        {
            a = Max(a, ShuffleXor(a, mask));
        }
        return a;
    }

    /// <summary>Sum over the lanes whose index differs in the bits of <paramref name="lanes"/> − 1 (a power of two ≤ 32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec8 WarpSum(Vec8 a, int lanes)
    {
        for (var mask = 1; mask < lanes; mask <<= 1)
        {
            a = Add(a, ShuffleXor(a, mask));
        }
        return a;
    }

    /// <summary>Element-wise <see cref="Warp.ShuffleXor{T}(T, int)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec8 ShuffleXor(Vec8 a, int mask) => new(
        Warp.ShuffleXor(a.X0, mask), Warp.ShuffleXor(a.X1, mask), Warp.ShuffleXor(a.X2, mask), Warp.ShuffleXor(a.X3, mask),
        Warp.ShuffleXor(a.X4, mask), Warp.ShuffleXor(a.X5, mask), Warp.ShuffleXor(a.X6, mask), Warp.ShuffleXor(a.X7, mask));

    /// <summary>Sum of the eight elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vec8 a) => a.X0 + a.X1 + a.X2 + a.X3 + a.X4 + a.X5 + a.X6 + a.X7;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float M(float s, int key, int limit) => key < limit ? s : float.NegativeInfinity;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float F(float m) => m == float.NegativeInfinity ? 0f : m;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float R(float l) => l > 0f ? 1f / l : 0f;
}
