namespace Sieve.Cuda;

/// <summary>
/// Device memory from the stream-ordered allocator (<c>cuMemAllocAsync</c>). Disposed, it is freed on the stream it was
/// allocated on (<c>cuMemFreeAsync</c>): after that stream's earlier work, with no synchronization; when that stream is
/// the host's own, the memory holds a reference on it, so the stream outlives it. Finalized (Dispose forgotten), the
/// stream may be gone (ORT's compute stream dies with its session) and the work using the memory may still be queued
/// on any stream, so the finalizer waits for the whole context (<c>cuCtxSynchronize</c>) and frees synchronously
/// (<c>cuMemFree</c>, which takes stream-ordered allocations too). Slow, but only a leak's path.
/// </summary>
internal sealed class SafeCudaDeviceMemoryHandle : SafeCudaHandle
{
    private nint _stream;
    private SafeCudaStreamHandle? _ownStream;
    private bool _finalizing;

    /// <summary>An invalid handle, for the interop marshaller.</summary>
    public SafeCudaDeviceMemoryHandle()
    {
    }

    /// <summary>The device pointer (a <c>CUdeviceptr</c>; 64-bit, as every platform CUDA supports).</summary>
    public ulong Address => (ulong)handle;

    /// <summary>
    /// Binds the memory to its context and to the stream that orders its free: <paramref name="ownStream"/> when the
    /// host created that stream (it is then kept alive), else ORT's raw <paramref name="stream"/>. Called once, after
    /// the allocation.
    /// </summary>
    internal void BindTo(SafeCudaHandle context, SafeCudaStreamHandle? ownStream, nint stream)
    {
        _stream = stream;
        BindTo(context);
        if (ownStream is not null)
        {
            var added = false;
            ownStream.DangerousAddRef(ref added);
            _ownStream = ownStream;
        }
    }

    protected override void Dispose(bool disposing)
    {
        _finalizing = !disposing;
        base.Dispose(disposing);
    }

    protected override int Release(nint handle, nint context)
    {
        try
        {
            return _finalizing || _stream == 0
                ? CudaDriver.InContext(context, handle, static memory =>
                    CudaDriver.cuCtxSynchronize() is var synchronized and not 0 ? synchronized : CudaDriver.cuMemFree((ulong)memory))
                : CudaDriver.InContext(context, (Memory: handle, Stream: _stream), static free => CudaDriver.cuMemFreeAsync((ulong)free.Memory, free.Stream));
        }
        finally
        {
            _ownStream?.DangerousRelease();
        }
    }
}
