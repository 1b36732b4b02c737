using System.Runtime.CompilerServices;
using Sieve.Host.Onnx.Bridge;

namespace Sieve.Host.Tests.Bridge;

/// <summary>
/// The ownership rules every ORT handle of the bridge inherits from <see cref="SafeOrtHandle"/>, seen through a handle
/// whose release is logged instead of calling ORT. What the real handles release is tested in
/// <see cref="CustomOpDomainTests"/> and <see cref="SafeOrtCustomOpHandleTests"/>.
/// </summary>
public class SafeOrtHandleTests
{
    [Fact]
    public void Dispose_Twice_ReleasesOnce()
    {
        var log = new List<string>();
        var handle = new LoggingHandle("domain", 0x10, log);

        handle.Dispose();
        handle.Dispose();

        Assert.Equal(["domain"], log);
        Assert.True(handle.IsClosed);
    }

    [Fact]
    public void Dispose_InvalidHandle_NeverReleases()
    {
        var log = new List<string>();
        var handle = new LoggingHandle("refused domain", 0, log);

        handle.Dispose();

        Assert.True(handle.IsInvalid);
        Assert.Empty(log);
    }

    [Fact]
    public void Dispose_HeldBeforeHolder_ReleasesTheHolderFirst()
    {
        var log = new List<string>();
        var domain = new LoggingHandle("domain", 0x10, log);
        var first = new LoggingHandle("op 1", 0x20, log);
        var second = new LoggingHandle("op 2", 0x30, log);
        domain.Hold(first);
        domain.Hold(second);

        first.Dispose();
        second.Dispose();
        Assert.Empty(log);
        domain.Dispose();

        Assert.Equal(["domain", "op 1", "op 2"], log);
    }

    [Fact]
    public void Dispose_KeptForProcess_ReleasesNeitherItNorWhatItHolds()
    {
        var log = new List<string>();
        var domain = new LoggingHandle("domain", 0x10, log, keptForProcess: true);
        var op = new LoggingHandle("op", 0x20, log);
        domain.Hold(op);

        domain.Dispose();
        op.Dispose();

        Assert.True(domain.KeptForProcess);
        Assert.True(domain.IsClosed);
        Assert.False(op.IsClosed); // the kept domain still holds it
        Assert.Empty(log);
    }

    [Fact]
    public void Hold_DisposedHandle_Throws()
    {
        var log = new List<string>();
        using var domain = new LoggingHandle("domain", 0x10, log);
        var op = new LoggingHandle("op", 0x20, log);
        op.Dispose();

        Assert.Throws<ObjectDisposedException>(() => domain.Hold(op));
    }

    [Fact]
    public void Finalizer_ForgottenDispose_ReleasesOnceAndTheHolderFirst()
    {
        var log = new List<string>();
        Forget(log);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.WaitForPendingFinalizers();

        // Finalizers run on their own thread, in no set order: the reference the holder keeps still orders the releases.
        lock (log)
        {
            Assert.Equal(["domain", "op"], log);
        }
    }

    [Fact]
    public void Finalizer_ForgottenKeptForProcess_NeverReleases()
    {
        var log = new List<string>();
        Forget(log, keptForProcess: true);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.WaitForPendingFinalizers();

        lock (log)
        {
            Assert.Empty(log);
        }
    }

    // Not inlined, so no local of the caller keeps the handles reachable.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Forget(List<string> log, bool keptForProcess = false)
    {
        var domain = new LoggingHandle("domain", 0x10, log, keptForProcess);
        var op = new LoggingHandle("op", 0x20, log, keptForProcess);
        domain.Hold(op);
    }

    /// <summary>A handle with a fake value whose release is logged (thread-safe: finalizers run on another thread).</summary>
    private sealed class LoggingHandle : SafeOrtHandle
    {
        private readonly string _name;
        private readonly List<string> _log;

        public LoggingHandle(string name, nint value, List<string> log, bool keptForProcess = false)
            : base(keptForProcess)
        {
            _name = name;
            _log = log;
            SetHandle(value);
        }

        protected override void Release(nint handle)
        {
            lock (_log)
            {
                _log.Add(_name);
            }
        }
    }
}
