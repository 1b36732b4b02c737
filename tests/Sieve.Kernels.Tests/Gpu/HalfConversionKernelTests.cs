using Sieve.Abstractions;
using Sieve.Kernels.Gpu;
using Sieve.Testing.Gpu;

namespace Sieve.Kernels.Tests.Gpu;

/// <summary>The fp32 → fp16 conversion in front of the tensor-core block scores, on ILGPU's CPU accelerator.</summary>
public class HalfConversionKernelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public void ToHalf_RoundsEveryElementToTheNearestHalf(int count)
    {
        using var device = new CpuAcceleratorDevice();
        var source = Enumerable.Range(0, count).Select(i => (i - count / 2) * 0.37f + 1e-3f * i).ToArray();
        using var input = device.Upload<float>(source);
        using var output = device.Allocate(count * 2L);
        device.Kernel(typeof(HalfConversionKernel).GetMethod(nameof(HalfConversionKernel.ToHalf))!).Launch(
            new GpuLaunch((count + HalfConversionKernel.Threads - 1) / HalfConversionKernel.Threads, 1, 1, HalfConversionKernel.Threads),
            new KernelArguments().View<float>(input.Address, count).View<ILGPU.Half>(output.Address, count).Value(count));
        var halves = CpuAcceleratorDevice.Download<Half>(output);
        for (var i = 0; i < count; i++)
        {
            Assert.True(Math.Abs((float)halves[i] - source[i]) <= 1e-3f * Math.Max(1f, Math.Abs(source[i])), $"element {i}: {source[i]} became {(float)halves[i]}");
        }
    }
}
