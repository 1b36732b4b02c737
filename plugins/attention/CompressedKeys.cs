using System.Numerics.Tensors;
using Sieve.Kernels;

namespace Sieve.Plugins.Attention;

/// <summary>
/// One key head mean-pooled over sliding windows (InfLLM-V2's compressed keys): key c is the mean of tokens
/// [c·stride, c·stride + kernel). With <c>fullWindowsOnly</c> (InfLLM-V2's reference) only whole windows make keys;
/// otherwise the last window is cut at the valid length (what the GPU kernels and <c>compressed-tile</c> do). Kept
/// transposed for the scoring micro-kernel. Made with a capacity, it grows by <see cref="Extend"/> as a decode run adds
/// keys (whole windows only: a finished window never changes). Thread-safe to read between extensions.
/// </summary>
internal sealed class CompressedKeys : IDisposable
{
    private readonly float[] _keys;
    private readonly bool _grows;

    public CompressedKeys(ReadOnlySpan<float> head, int length, int headSize, int kernel, int stride, bool fullWindowsOnly = false)
    {
        HeadSize = headSize;
        Stride = stride;
        Kernel = kernel;
        Length = length;
        Count = fullWindowsOnly ? FullWindows(length, kernel, stride)
            : length == 0 ? 0 : Math.Max(1, (Math.Max(0, length - kernel) + stride - 1) / stride + 1);
        _keys = new float[Count * headSize];
        for (var c = 0; c < Count; c++)
        {
            var target = _keys.AsSpan(c * headSize, headSize);
            var (start, end) = Window(c);
            for (var t = start; t < end; t++)
            {
                TensorPrimitives.Add(target, head.Slice(t * headSize, headSize), target);
            }
            TensorPrimitives.Divide(target, end - start, target);
        }
        Panel = new HeadPanel(_keys, Count, headSize);
    }

    /// <summary>Empty whole-window compressed keys with room for the windows of <paramref name="capacity"/> keys.</summary>
    public CompressedKeys(int headSize, int kernel, int stride, int capacity)
    {
        HeadSize = headSize;
        Stride = stride;
        Kernel = kernel;
        var windows = FullWindows(capacity, kernel, stride);
        _keys = new float[Math.Max(1, windows * headSize)];
        Panel = new HeadPanel(windows, headSize);
        _grows = true;
    }

    /// <summary>Adds the windows that <paramref name="length"/> keys complete (a growing instance only).</summary>
    /// <param name="head">The keys, [at least length, headSize]: the same first keys as every earlier call.</param>
    public void Extend(ReadOnlySpan<float> head, int length)
    {
        if (!_grows)
        {
            throw new InvalidOperationException("Compressed keys built at once do not grow.");
        }
        var windows = FullWindows(length, Kernel, Stride);
        Length = Math.Max(Length, length);
        for (var c = Count; c < windows; c++)
        {
            var target = _keys.AsSpan(c * HeadSize, HeadSize);
            for (var t = c * Stride; t < c * Stride + Kernel; t++)
            {
                TensorPrimitives.Add(target, head.Slice(t * HeadSize, HeadSize), target);
            }
            TensorPrimitives.Divide(target, Kernel, target);
            Panel.Append(target);
        }
        Count = Math.Max(Count, windows);
    }

    /// <summary>Whole windows [c·stride, c·stride + kernel) within <paramref name="length"/> keys.</summary>
    public static int FullWindows(int length, int kernel, int stride) => length < kernel ? 0 : (length - kernel) / stride + 1;

    /// <summary>The compressed keys, transposed for <see cref="AttentionTile.Scores"/>.</summary>
    public HeadPanel Panel { get; }

    public void Dispose() => Panel.Dispose();

    public int Count { get; private set; }

    public int HeadSize { get; }

    public int Stride { get; }

    public int Kernel { get; }

    /// <summary>Valid keys of the head.</summary>
    public int Length { get; private set; }

    /// <summary>The tokens compressed key <paramref name="c"/> covers.</summary>
    public (int Start, int End) Window(int c) => (c * Stride, Math.Min(Length, c * Stride + Kernel));

    public ReadOnlySpan<float> Key(int c) => _keys.AsSpan(c * HeadSize, HeadSize);
}
