using System.Runtime.CompilerServices;
using Sieve.Abstractions;
using Sieve.Host.Device;
using Sieve.Host.Onnx.Passes.Attention;
using Sieve.Cuda;
using Sieve.Cuda.Ptx;
using Sieve.Kernels.Gpu;

namespace Sieve.Host.Tests.Device;

/// <summary>
/// The CUDA handles' releases on a real GPU, seen through the driver's own counters (primary-context state, the default
/// pool's bytes in use). Skipped, saying why, where there is no device.
/// </summary>
[Trait("Category", "Gpu")]
public sealed class CudaHandleGpuTests
{
    private const long Bytes = 64L << 20;

    private static CudaGpuDevice Device()
    {
        Skip.IfNot(CudaDriver.IsInstalled(out var reason), $"No CUDA device here ({reason}).");
        CudaPrimaryContext context;
        try
        {
            context = CudaPrimaryContext.Retain(0);
        }
        catch (CudaException error)
        {
            Skip.If(true, $"No CUDA device here ({error.Message}).");
            throw;
        }
        return new CudaGpuDevice(context, new PtxCompiler(Path.Combine(Path.GetTempPath(), "sieve-ptx-tests")));
    }

    [SkippableFact]
    public void Dispose_DeviceBeforeItsBuffer_ContextStaysActiveUntilTheBufferIsFreed()
    {
        var device = Device();
        var context = device.Context;
        var buffer = device.Allocate(Bytes);

        device.Dispose();
        Assert.True(context.IsActive);
        buffer.Dispose();

        Skip.If(OtherRetains(), "Another user (ONNX Runtime) holds the primary context: its release cannot be seen.");
        Assert.False(context.IsActive);
    }

    [SkippableFact]
    public void Dispose_Buffer_ReturnsItsMemoryToThePoolOnItsStream()
    {
        using var device = Device();
        var context = device.Context;
        var before = context.PoolBytesInUse;
        var buffer = device.Allocate(Bytes);
        Assert.True(context.PoolBytesInUse >= before + Bytes);

        buffer.Dispose();
        device.Synchronize();

        Assert.Equal(before, context.PoolBytesInUse);
    }

    [SkippableFact]
    public void Finalizer_ForgottenBuffer_ReturnsItsMemoryToThePool()
    {
        using var device = Device();
        var context = device.Context;
        var before = context.PoolBytesInUse;
        Forget(device);
        Assert.True(context.PoolBytesInUse >= before + Bytes);

        GC.Collect();
        GC.WaitForPendingFinalizers();

        Assert.Equal(before, context.PoolBytesInUse);
    }

    [SkippableFact]
    public void Launch_AfterKernelDisposed_ThrowsObjectDisposed()
    {
        using var device = Device();
        var method = typeof(LayoutKernels).GetMethod(nameof(LayoutKernels.SwapLastTwo))!;
        using var source = device.Allocate(6 * sizeof(float));
        using var target = device.Allocate(6 * sizeof(float));
        device.Upload<float>([1, 2, 3, 4, 5, 6], source.Address);
        new DeviceLayouts(device).SwapLastTwo(source.Address, target.Address, 1, 2, 3);
        var swapped = new float[6];
        device.Download<float>(target.Address, swapped);
        Assert.Equal([1, 4, 2, 5, 3, 6], swapped);

        var kernel = (CudaKernel)device.Kernel(method);
        kernel.Dispose();

        Assert.Throws<ObjectDisposedException>(() => kernel.Launch(new GpuLaunch(1, 1, 1, 32),
            new KernelArguments().View<float>(source.Address, 6).View<float>(target.Address, 6).Value(1).Value(2).Value(3)));
    }

    [SkippableFact]
    public void Timer_StartStopDispose_MeasuresWithoutError()
    {
        using var device = Device();
        using var timer = device.StartTimer();
        using var buffer = device.Allocate(Bytes);

        Assert.True(timer.Stop() >= 0);
    }

    // ORT's CUDA provider, once loaded in this process (other GPU tests), keeps its own retain of the primary context.
    private static bool OtherRetains() =>
        File.ReadAllText("/proc/self/maps").Contains("libonnxruntime_providers_cuda", StringComparison.Ordinal);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Forget(CudaGpuDevice device) => device.Allocate(Bytes);
}
