using System.Runtime.InteropServices;

namespace Sieve.Kernels.Gpu;

/// <summary>
/// One thread's part of a 64 × 64 score tile: eight query rows (<see cref="GpuTile.RowGroups"/> apart) × four keys
/// (<see cref="GpuTile.ColumnGroups"/> apart), one <see cref="Vec8"/> per key. Device code.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct ScoreTile(Vec8 key0, Vec8 key1, Vec8 key2, Vec8 key3)
{
    /// <summary>Key 0 (the thread's first column).</summary>
    public Vec8 Key0 { get; } = key0;

    /// <summary>Key 1.</summary>
    public Vec8 Key1 { get; } = key1;

    /// <summary>Key 2.</summary>
    public Vec8 Key2 { get; } = key2;

    /// <summary>Key 3.</summary>
    public Vec8 Key3 { get; } = key3;
}
