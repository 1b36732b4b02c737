using Sieve.Abstractions;
using Sieve.Kernels.Gpu;

namespace Sieve.Host.Onnx.Passes.Attention;

/// <summary>
/// The host's own small GPU kernels around an attention node (<see cref="LayoutKernels"/>, <see cref="KeyBoundsKernels"/>),
/// loaded once per device. Every call enqueues on the current stream and returns. Thread-safe.
/// </summary>
internal sealed class DeviceLayouts(IGpuDevice device)
{
    private readonly IGpuKernel _swapLastTwo = device.Kernel(typeof(LayoutKernels).GetMethod(nameof(LayoutKernels.SwapLastTwo))!);
    private readonly IGpuKernel _swapMiddleAxes = device.Kernel(typeof(LayoutKernels).GetMethod(nameof(LayoutKernels.SwapMiddleAxes))!);
    private readonly IGpuKernel _fromMask = device.Kernel(typeof(KeyBoundsKernels).GetMethod(nameof(KeyBoundsKernels.FromAdditiveMask))!);
    private readonly IGpuKernel _fromLengths = device.Kernel(typeof(KeyBoundsKernels).GetMethod(nameof(KeyBoundsKernels.FromLengths))!);

    public IGpuDevice Device => device;

    /// <summary>target [m, c, r] ← source [m, r, c].</summary>
    public void SwapLastTwo(DeviceAddress source, DeviceAddress target, int matrices, int rows, int columns)
    {
        long count = (long)matrices * rows * columns;
        _swapLastTwo.Launch(Elementwise(count), new KernelArguments()
            .View<float>(source, count).View<float>(target, count).Value(matrices).Value(rows).Value(columns));
    }

    /// <summary>target [a, c, b, d] ← source [a, b, c, d].</summary>
    public void SwapMiddleAxes(DeviceAddress source, DeviceAddress target, int d0, int d1, int d2, int d3)
    {
        long count = (long)d0 * d1 * d2 * d3;
        _swapMiddleAxes.Launch(Elementwise(count), new KernelArguments()
            .View<float>(source, count).View<float>(target, count).Value(d0).Value(d1).Value(d2).Value(d3));
    }

    /// <summary>Key bounds from an additive float key-padding mask [batch, keys], or all keys when <paramref name="mask"/> is null.</summary>
    public void KeyBoundsFromMask(DeviceAddress mask, DeviceAddress starts, DeviceAddress ends, int batch, int keys) =>
        _fromMask.Launch(Rows(batch), new KernelArguments()
            .View<float>(mask, mask.IsNull ? 0 : (long)batch * keys).View<int>(starts, batch).View<int>(ends, batch).Value(batch).Value(keys));

    /// <summary>Key bounds from int32 key lengths [batch].</summary>
    public void KeyBoundsFromLengths(DeviceAddress lengths, DeviceAddress starts, DeviceAddress ends, int batch, int keys) =>
        _fromLengths.Launch(Rows(batch), new KernelArguments()
            .View<int>(lengths, batch).View<int>(starts, batch).View<int>(ends, batch).Value(batch).Value(keys));

    private GpuLaunch Elementwise(long count) =>
        new(LayoutKernels.Groups(count, device.MultiprocessorCount), 1, 1, LayoutKernels.ElementwiseGroup);

    private static GpuLaunch Rows(int batch) => new((batch + KeyBoundsKernels.Group - 1) / KeyBoundsKernels.Group, 1, 1, KeyBoundsKernels.Group);
}
