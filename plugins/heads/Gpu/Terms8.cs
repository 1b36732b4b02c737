using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Sieve.Kernels.Gpu;

namespace Sieve.Plugins.Heads.Gpu;

/// <summary>
/// Eight floats of one thread's micro-tile, one token × eight terms (terms 4·tx + x and 64 + 4·tx + x, x &lt; 4). A value
/// type with pure static operations, so ILGPU keeps it in registers. Device code.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct Terms8(float x0, float x1, float x2, float x3, float x4, float x5, float x6, float x7)
{
    public float X0 { get; } = x0;

    public float X1 { get; } = x1;

    public float X2 { get; } = x2;

    public float X3 { get; } = x3;

    public float X4 { get; } = x4;

    public float X5 { get; } = x5;

    public float X6 { get; } = x6;

    public float X7 { get; } = x7;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Terms8 Splat(float value) => new(value, value, value, value, value, value, value, value);

    /// <summary><paramref name="a"/> + h·(w0, w1), element-wise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Terms8 Fma(Terms8 a, float h, Float4 w0, Float4 w1) => new(
        a.X0 + h * w0.X, a.X1 + h * w0.Y, a.X2 + h * w0.Z, a.X3 + h * w0.W,
        a.X4 + h * w1.X, a.X5 + h * w1.Y, a.X6 + h * w1.Z, a.X7 + h * w1.W);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Terms8 Max(Terms8 a, Terms8 b) => new(
        MathF.Max(a.X0, b.X0), MathF.Max(a.X1, b.X1), MathF.Max(a.X2, b.X2), MathF.Max(a.X3, b.X3),
        MathF.Max(a.X4, b.X4), MathF.Max(a.X5, b.X5), MathF.Max(a.X6, b.X6), MathF.Max(a.X7, b.X7));
}
