using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ILGPU;

namespace Sieve.Kernels.Gpu;

/// <summary>
/// One thread's share of a 64-row tile of [row][dimension] data (at most 128 dimensions) held in registers between its
/// global load and its store to shared memory, so that the load's latency hides behind other work. With d4 = head size / 4
/// float4 columns, thread t owns column t % d4 of rows t / d4 + n·(128 / d4), n &lt; 16. Device code.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct Float4Tile(
    Float4 a0, Float4 a1, Float4 a2, Float4 a3, Float4 a4, Float4 a5, Float4 a6, Float4 a7,
    Float4 a8, Float4 a9, Float4 a10, Float4 a11, Float4 a12, Float4 a13, Float4 a14, Float4 a15)
{
    /// <summary>Rows of a tile.</summary>
    public const int Rows = 64;

    /// <summary>Threads that share a tile.</summary>
    public const int Threads = 128;

    /// <summary>Row n·step + first.</summary>
    public Float4 A0 { get; } = a0;

    /// <summary>Row 1.</summary>
    public Float4 A1 { get; } = a1;

    /// <summary>Row 2.</summary>
    public Float4 A2 { get; } = a2;

    /// <summary>Row 3.</summary>
    public Float4 A3 { get; } = a3;

    /// <summary>Row 4.</summary>
    public Float4 A4 { get; } = a4;

    /// <summary>Row 5.</summary>
    public Float4 A5 { get; } = a5;

    /// <summary>Row 6.</summary>
    public Float4 A6 { get; } = a6;

    /// <summary>Row 7.</summary>
    public Float4 A7 { get; } = a7;

    /// <summary>Row 8.</summary>
    public Float4 A8 { get; } = a8;

    /// <summary>Row 9.</summary>
    public Float4 A9 { get; } = a9;

    /// <summary>Row 10.</summary>
    public Float4 A10 { get; } = a10;

    /// <summary>Row 11.</summary>
    public Float4 A11 { get; } = a11;

    /// <summary>Row 12.</summary>
    public Float4 A12 { get; } = a12;

    /// <summary>Row 13.</summary>
    public Float4 A13 { get; } = a13;

    /// <summary>Row 14.</summary>
    public Float4 A14 { get; } = a14;

    /// <summary>Row 15.</summary>
    public Float4 A15 { get; } = a15;

    /// <summary>
    /// Loads this thread's share of rows [0, 64) of the [row][d4 float4s] block at float4 index <paramref name="offset"/>;
    /// rows at or past <paramref name="validRows"/> (and slots past the tile) read as zeros.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float4Tile Load(ArrayView<Float4> source, int offset, int validRows, int d4)
    {
        var column = Group.IdxX & (d4 - 1);
        var first = Group.IdxX / d4;
        var step = Threads / d4;
        var rows = IntrinsicMath.Min(validRows, Rows);
        var at = offset + first * d4 + column;
        var jump = step * d4;
        return new(
            L(source, at, first, rows), L(source, at + jump, first + step, rows),
            L(source, at + 2 * jump, first + 2 * step, rows), L(source, at + 3 * jump, first + 3 * step, rows),
            L(source, at + 4 * jump, first + 4 * step, rows), L(source, at + 5 * jump, first + 5 * step, rows),
            L(source, at + 6 * jump, first + 6 * step, rows), L(source, at + 7 * jump, first + 7 * step, rows),
            L(source, at + 8 * jump, first + 8 * step, rows), L(source, at + 9 * jump, first + 9 * step, rows),
            L(source, at + 10 * jump, first + 10 * step, rows), L(source, at + 11 * jump, first + 11 * step, rows),
            L(source, at + 12 * jump, first + 12 * step, rows), L(source, at + 13 * jump, first + 13 * step, rows),
            L(source, at + 14 * jump, first + 14 * step, rows), L(source, at + 15 * jump, first + 15 * step, rows));
    }

    /// <summary>
    /// Stores the tile into shared memory as [row][dimension] rows of <paramref name="rowStride"/> float4s from
    /// <paramref name="offset"/>, multiplied by <paramref name="multiplier"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ArrayView<Float4> shared, int offset, int rowStride, int d4, float multiplier)
    {
        var column = Group.IdxX & (d4 - 1);
        var first = Group.IdxX / d4;
        var step = Threads / d4;
        var at = offset + first * rowStride + column;
        var jump = step * rowStride;
        S(shared, at, first, A0, multiplier);
        S(shared, at + jump, first + step, A1, multiplier);
        S(shared, at + 2 * jump, first + 2 * step, A2, multiplier);
        S(shared, at + 3 * jump, first + 3 * step, A3, multiplier);
        S(shared, at + 4 * jump, first + 4 * step, A4, multiplier);
        S(shared, at + 5 * jump, first + 5 * step, A5, multiplier);
        S(shared, at + 6 * jump, first + 6 * step, A6, multiplier);
        S(shared, at + 7 * jump, first + 7 * step, A7, multiplier);
        S(shared, at + 8 * jump, first + 8 * step, A8, multiplier);
        S(shared, at + 9 * jump, first + 9 * step, A9, multiplier);
        S(shared, at + 10 * jump, first + 10 * step, A10, multiplier);
        S(shared, at + 11 * jump, first + 11 * step, A11, multiplier);
        S(shared, at + 12 * jump, first + 12 * step, A12, multiplier);
        S(shared, at + 13 * jump, first + 13 * step, A13, multiplier);
        S(shared, at + 14 * jump, first + 14 * step, A14, multiplier);
        S(shared, at + 15 * jump, first + 15 * step, A15, multiplier);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Float4 L(ArrayView<Float4> source, int at, int row, int rows) => row < rows ? source[at] : Float4.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void S(ArrayView<Float4> shared, int at, int row, Float4 value, float multiplier)
    {
        if (row < Rows)
        {
            shared[at] = Float4.Scale(value, multiplier);
        }
    }
}
