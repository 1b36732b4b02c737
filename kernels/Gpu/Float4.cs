using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sieve.Kernels.Gpu;

/// <summary>
/// Four consecutive floats: the element type of 16-byte aligned views, which ILGPU's PTX backend loads and stores with
/// one vector instruction (<c>ld.v4.f32</c> / <c>st.v4.f32</c>) when the view is marked aligned. Device code.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct Float4(float x, float y, float z, float w)
{
    /// <summary>Element 0.</summary>
    public float X { get; } = x;

    /// <summary>Element 1.</summary>
    public float Y { get; } = y;

    /// <summary>Element 2.</summary>
    public float Z { get; } = z;

    /// <summary>Element 3.</summary>
    public float W { get; } = w;

    /// <summary>Four zeros.</summary>
    public static Float4 Zero => new(0f, 0f, 0f, 0f);

    /// <summary>Element-wise product with a scalar.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float4 Scale(Float4 a, float b) => new(a.X * b, a.Y * b, a.Z * b, a.W * b);

    /// <summary><paramref name="acc"/> + a·b (dot product of four elements, accumulated in order).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(float acc, Float4 a, Float4 b) => acc + a.X * b.X + a.Y * b.Y + a.Z * b.Z + a.W * b.W;
}
