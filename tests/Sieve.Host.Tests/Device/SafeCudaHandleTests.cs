using System.Runtime.CompilerServices;
using Sieve.Cuda;

namespace Sieve.Host.Tests.Device;

/// <summary>
/// The ownership rules every CUDA handle inherits from <see cref="SafeCudaHandle"/>, seen through a handle whose release
/// is counted instead of calling the driver (no GPU here). What the real handles' releases do on a GPU is not tested here.
/// </summary>
public class SafeCudaHandleTests
{
    [Fact]
    public void Dispose_Twice_ReleasesOnce()
    {
        var log = new List<string>();
        var handle = new CountingHandle("module", 0x10, log);

        handle.Dispose();
        handle.Dispose();

        Assert.Equal(["module"], log);
        Assert.True(handle.IsClosed);
    }

    [Fact]
    public void Dispose_InvalidHandle_NeverReleases()
    {
        var log = new List<string>();
        var handle = new CountingHandle("failed allocation", 0, log);

        handle.Dispose();

        Assert.True(handle.IsInvalid);
        Assert.Empty(log);
    }

    [Fact]
    public void Dispose_ContextBeforeItsObjects_ReleasesTheContextLast()
    {
        var log = new List<string>();
        var context = new CountingHandle("context", 0xC0, log);
        var module = new CountingHandle("module", 0x10, log);
        var stream = new CountingHandle("stream", 0x20, log);
        module.BindTo(context);
        stream.BindTo(context);

        context.Dispose();
        Assert.Empty(log);
        module.Dispose();
        stream.Dispose();

        Assert.Equal(["module", "stream", "context"], log);
    }

    [Fact]
    public void Release_BoundObject_GetsItsContext()
    {
        var log = new List<string>();
        using var context = new CountingHandle("context", 0xC0, log);
        var module = new CountingHandle("module", 0x10, log);
        module.BindTo(context);

        module.Dispose();

        Assert.Equal(0xC0, module.ContextAtRelease);
    }

    [Fact]
    public void BindTo_DisposedContext_Throws()
    {
        var log = new List<string>();
        var context = new CountingHandle("context", 0xC0, log);
        context.Dispose();
        using var module = new CountingHandle("module", 0x10, log);

        Assert.Throws<ObjectDisposedException>(() => module.BindTo(context));
    }

    [Fact]
    public void BindTo_Twice_ThrowsAndKeepsOneReference()
    {
        var log = new List<string>();
        var context = new CountingHandle("context", 0xC0, log);
        var module = new CountingHandle("module", 0x10, log);
        module.BindTo(context);

        Assert.Throws<InvalidOperationException>(() => module.BindTo(context));
        context.Dispose();
        module.Dispose();

        Assert.Equal(["module", "context"], log);
    }

    [Fact]
    public void Finalizer_ForgottenDispose_ReleasesOnceAndContextLast()
    {
        var log = new List<string>();
        Forget(log);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.WaitForPendingFinalizers();

        // Finalizers run on their own thread, in no set order: the context's reference count still orders the releases.
        lock (log)
        {
            Assert.Equal(["module", "context"], log);
        }
    }

    [Fact]
    public void MarshallerHandles_AreInvalidAndDisposeWithoutTheDriver()
    {
        // What the interop marshaller creates before a call, and what remains when the call fails: disposing them calls
        // nothing (this machine has no libcuda.so.1, so a release would throw DllNotFoundException).
        SafeCudaHandle[] handles =
        [
            new SafeCudaPrimaryContextHandle(), new SafeCudaModuleHandle(), new SafeCudaStreamHandle(),
            new SafeCudaEventHandle(), new SafeCudaDeviceMemoryHandle(),
        ];
        foreach (var handle in handles)
        {
            Assert.True(handle.IsInvalid, handle.GetType().Name);
            handle.Dispose();
            handle.Dispose();
            Assert.True(handle.IsClosed, handle.GetType().Name);
        }
    }

    // Not inlined, so no local of the caller keeps the handles reachable.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Forget(List<string> log)
    {
        var context = new CountingHandle("context", 0xC0, log);
        var module = new CountingHandle("module", 0x10, log);
        module.BindTo(context);
    }

    /// <summary>A handle with a fake value whose release is logged (thread-safe: finalizers run on another thread).</summary>
    private sealed class CountingHandle : SafeCudaHandle
    {
        private readonly string _name;
        private readonly List<string> _log;

        public CountingHandle(string name, nint value, List<string> log)
        {
            _name = name;
            _log = log;
            SetHandle(value);
        }

        public nint ContextAtRelease { get; private set; }

        protected override int Release(nint handle, nint context)
        {
            ContextAtRelease = context;
            lock (_log)
            {
                _log.Add(_name);
            }
            return 0;
        }
    }
}
