using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Sieve.Kernels;

namespace Sieve.Host.Onnx.Bridge;

/// <summary>
/// Runs a managed kernel's parallel loops on ONNX Runtime's intra-op thread pool (<c>KernelContext_ParallelFor</c>)
/// during one compute call, so the kernel uses the same threads as ORT's own nodes: with ORT's threads spinning
/// between nodes, a loop on .NET's pool would compete with them for the cores. Valid only inside that call.
/// </summary>
internal sealed unsafe class OrtIntraOpRunner(OrtKernelContext context) : IParallelRunner
{
    public void Run(int count, Action<int> body)
    {
        var loop = new Loop(body);
        var handle = GCHandle.Alloc(loop);
        try
        {
            context.ParallelFor(count, &RunIteration, GCHandle.ToIntPtr(handle));
        }
        finally
        {
            handle.Free();
        }
        loop.Failure?.Throw();
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void RunIteration(nint state, nuint index)
    {
        var loop = (Loop)GCHandle.FromIntPtr(state).Target!;
        try
        {
            loop.Body((int)index);
        }
#pragma warning disable CA1031 // Nothing may cross into native code: kept and rethrown on the caller after the loop.
        catch (Exception error)
#pragma warning restore CA1031
        {
            Interlocked.CompareExchange(ref loop.Failure, ExceptionDispatchInfo.Capture(error), null);
        }
    }

    private sealed class Loop(Action<int> body)
    {
        public readonly Action<int> Body = body;
        public ExceptionDispatchInfo? Failure;
    }
}
