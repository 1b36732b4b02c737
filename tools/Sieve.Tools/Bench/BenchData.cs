using Sieve.Abstractions;
using Sieve.Kernels.Gpu;

namespace Sieve.Tools.Bench;

/// <summary>Launches <see cref="BenchDataKernels"/> and the fp16 conversions on a device (loaded once).</summary>
internal sealed class BenchData(IGpuDevice device)
{
    private readonly IGpuKernel _fill = device.Kernel(typeof(BenchDataKernels).GetMethod(nameof(BenchDataKernels.Fill))!);
    private readonly GpuHalfConversion _toHalf = new(device);
    private readonly IGpuKernel _toSingle = device.Kernel(typeof(HalfConversionKernel).GetMethod(nameof(HalfConversionKernel.ToSingle))!);

    public void Fill(DeviceAddress target, int heads, int rows, int dim, int seed, int phaseSeed, int headsPerPhase, float amplitude, float noise)
    {
        long count = (long)heads * rows * dim;
        _fill.Launch(Launch(count), new KernelArguments().View<float>(target, count).Value(heads).Value(rows).Value(dim).Value(seed)
            .Value(phaseSeed).Value(headsPerPhase).Value(amplitude).Value(noise)
            .Value(MathF.Pow(10000f, -2f / dim)));
    }

    public void ToHalf(DeviceAddress source, DeviceAddress target, long count) => _toHalf.ToHalf(source, target, count);

    public void FromHalf(DeviceAddress source, DeviceAddress target, long count) =>
        _toSingle.Launch(Launch(count), new KernelArguments().View<ILGPU.Half>(source, count).View<float>(target, count).Value((int)count));

    private GpuLaunch Launch(long count) => new(LayoutKernels.Groups(count, device.MultiprocessorCount), 1, 1, BenchDataKernels.GroupSize);
}
