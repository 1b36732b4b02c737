using System.Runtime.InteropServices;

namespace Sieve.Cuda;

/// <summary>
/// A CUDA driver object the host owns: released exactly once, by <see cref="SafeHandle.Dispose()"/> or, when that was
/// forgotten, by the finalizer (never at process exit: .NET runs no finalizers then). An object that lives in a context
/// (module, stream, event, memory) holds a reference on the context's handle (<see cref="BindTo"/>), so the context is
/// released only after everything in it, in whatever order they are disposed or finalized.
/// </summary>
internal abstract class SafeCudaHandle : SafeHandle
{
    private SafeCudaHandle? _context;

    protected SafeCudaHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>
    /// Keeps <paramref name="context"/> from being released until this handle is; its release then runs with that
    /// context current. Called once, right after the driver created the object.
    /// </summary>
    /// <exception cref="ObjectDisposedException"><paramref name="context"/> is already disposed.</exception>
    internal void BindTo(SafeCudaHandle context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_context is not null)
        {
            throw new InvalidOperationException("The handle is already bound to a context.");
        }
        var added = false;
        context.DangerousAddRef(ref added);
        _context = context;
    }

    protected sealed override bool ReleaseHandle()
    {
        try
        {
            return Release(handle, _context?.handle ?? 0) == 0;
        }
        finally
        {
            _context?.DangerousRelease();
        }
    }

    /// <summary>Hands the object back to the driver.</summary>
    /// <param name="handle">The object; valid, released once.</param>
    /// <param name="context">The context bound with <see cref="BindTo"/>, or zero.</param>
    /// <returns>The driver's <c>CUresult</c>: 0 when released.</returns>
    protected abstract int Release(nint handle, nint context);
}
