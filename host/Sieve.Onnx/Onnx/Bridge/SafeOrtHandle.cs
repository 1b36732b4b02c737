using System.Runtime.InteropServices;

namespace Sieve.Host.Onnx.Bridge;

/// <summary>
/// An ONNX Runtime object, or native memory ORT points into, that the bridge owns: released exactly once, by
/// <see cref="SafeHandle.Dispose()"/> or, when that was forgotten, by the finalizer (never at process exit: .NET runs no
/// finalizers then). A handle may hold others that ORT reaches through it (<see cref="Hold"/>): they are released only
/// after it, in whatever order they are disposed or finalized. A handle <see cref="KeptForProcess"/> is never released,
/// and neither is anything it holds.
/// </summary>
internal abstract class SafeOrtHandle : SafeHandle
{
    private readonly List<SafeOrtHandle> _held = [];

    /// <param name="keptForProcess">Never release the object: the handle is created with <c>ownsHandle: false</c>.</param>
    protected SafeOrtHandle(bool keptForProcess)
        : base(0, ownsHandle: !keptForProcess)
    {
        KeptForProcess = keptForProcess;
    }

    /// <summary>
    /// Whether the object is left to the end of the process: <c>Dispose</c> only closes the handle and there is no
    /// finalizer. Used for what ORT's CUDA provider may still reach while it tears down (docs/cuda.md).
    /// </summary>
    public bool KeptForProcess { get; }

    public override bool IsInvalid => handle == 0;

    /// <summary>
    /// Keeps <paramref name="other"/> from being released until this handle is. Called while the object is being built,
    /// before any other thread can see it.
    /// </summary>
    /// <exception cref="ObjectDisposedException"><paramref name="other"/> is already disposed.</exception>
    internal void Hold(SafeOrtHandle other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var added = false;
        other.DangerousAddRef(ref added);
        _held.Add(other);
    }

    protected sealed override bool ReleaseHandle()
    {
        try
        {
            Release(handle);
            return true;
        }
        finally
        {
            foreach (var other in _held)
            {
                other.DangerousRelease();
            }
        }
    }

    /// <summary>Hands the object back to ORT or frees the memory.</summary>
    /// <param name="handle">The object; valid, released once.</param>
    protected abstract void Release(nint handle);
}
