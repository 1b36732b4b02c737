using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Sieve.Abstractions;
using Sieve.Host.Device;
using Sieve.Host.Onnx.Bridge;

namespace Sieve.Host.Tests.Bridge;

/// <summary>
/// The native block of one custom op: what ORT reads from it, and that releasing it frees the GC handle that roots the
/// op (seen as the op being collected), once, whether disposed or forgotten.
/// </summary>
public class SafeOrtCustomOpHandleTests
{
    [Fact]
    public void CreateNative_CpuOp_BlockCarriesVersionNameCallbacksAndTheOp()
    {
        var op = new PassCustomOp(new TwiceOperator().Operator, "test", DeviceKind.Cpu);
        using var handle = op.CreateNative(keptForProcess: false);

        var native = Marshal.PtrToStructure<OrtCustomOpStruct>(handle.DangerousGetHandle());

        Assert.Equal(OrtApiTable.ApiVersion, native.Version);
        Assert.Equal("Twice", Marshal.PtrToStringUTF8(native.Name));
        Assert.Equal(0, native.ExecutionProvider); // the CPU provider
        Assert.NotEqual(0, native.CreateKernelV2);
        Assert.NotEqual(0, native.KernelComputeV2);
        Assert.Same(op, GCHandle.FromIntPtr(native.Owner).Target);
    }

    [Fact]
    public void CreateNative_OpOfTheCudaProvider_BlockNamesTheProvider()
    {
        var op = new PassCustomOp(new TwiceOperator(withCudaKernel: true).Operator, "test", DeviceKind.Cuda);
        using var handle = op.CreateNative(keptForProcess: false);

        var native = Marshal.PtrToStructure<OrtCustomOpStruct>(handle.DangerousGetHandle());

        Assert.True(op.KeptForProcess);
        Assert.Equal(ExecutionDevice.CudaProvider, Marshal.PtrToStringUTF8(native.ExecutionProvider));
        Assert.Equal("Twice", Marshal.PtrToStringUTF8(native.Name));
    }

    [Fact]
    public void Dispose_Twice_FreesTheGcHandleSoTheOpIsCollected()
    {
        var (handle, op) = CreateNative(keptForProcess: false);
        Collect();
        Assert.True(op.IsAlive); // only the GC handle in the block refers to it

        handle.Dispose();
        handle.Dispose();
        Collect();

        Assert.False(op.IsAlive);
    }

    [Fact]
    public void Dispose_KeptForProcess_KeepsTheBlockAndTheOp()
    {
        var (handle, op) = CreateNative(keptForProcess: true);

        handle.Dispose();
        Collect();

        Assert.True(handle.IsClosed);
        Assert.True(op.IsAlive);
    }

    [Fact]
    public void Finalizer_ForgottenHandle_FreesTheGcHandleSoTheOpIsCollected()
    {
        var op = Forget();

        Collect();

        Assert.False(op.IsAlive);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (SafeOrtCustomOpHandle Handle, WeakReference Op) CreateNative(bool keptForProcess)
    {
        var op = new PassCustomOp(new TwiceOperator().Operator, "test", DeviceKind.Cpu);
        return (op.CreateNative(keptForProcess), new WeakReference(op));
    }

    // Not inlined, so no local of the caller keeps the handle or the op reachable.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference Forget() => CreateNative(keptForProcess: false).Op;

    /// <summary>Runs the finalizers of what is unreachable, then collects what they let go.</summary>
    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
