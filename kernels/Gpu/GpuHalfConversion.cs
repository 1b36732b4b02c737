using Sieve.Abstractions;

namespace Sieve.Kernels.Gpu;

/// <summary>
/// Enqueues <see cref="HalfConversionKernel.ToHalf"/> on a device (the kernel is loaded at construction): fp32 values
/// in device memory to fp16, round to nearest even, on the device's current stream. Thread-safe.
/// </summary>
/// <param name="device">The device; kernels are compiled once and cached by it.</param>
public sealed class GpuHalfConversion(IGpuDevice device)
{
    private readonly IGpuDevice _device = device ?? throw new ArgumentNullException(nameof(device));
    private readonly IGpuKernel _toHalf = device.Kernel(typeof(HalfConversionKernel).GetMethod(nameof(HalfConversionKernel.ToHalf))!);

    /// <summary>Enqueues target[i] = (fp16)source[i] for i &lt; <paramref name="count"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is negative or above the kernel's 32-bit indexing.</exception>
    public void ToHalf(DeviceAddress source, DeviceAddress target, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, int.MaxValue - (1L << 24));
        if (count == 0)
        {
            return;
        }
        var groups = (int)Math.Clamp((count + HalfConversionKernel.Threads - 1) / HalfConversionKernel.Threads, 1, Math.Max(1, _device.MultiprocessorCount) * 16L);
        _toHalf.Launch(new GpuLaunch(groups, 1, 1, HalfConversionKernel.Threads),
            new KernelArguments().View<float>(source, count).View<ILGPU.Half>(target, count).Value((int)count));
    }
}
