namespace Sieve.Cuda;

/// <summary>An event (<c>CUevent</c>), destroyed with <c>cuEventDestroy</c>.</summary>
internal sealed class SafeCudaEventHandle : SafeCudaHandle
{
    /// <summary>An invalid handle, for the interop marshaller.</summary>
    public SafeCudaEventHandle()
    {
    }

    protected override int Release(nint handle, nint context) =>
        CudaDriver.InContext(context, handle, static @event => CudaDriver.cuEventDestroy(@event));
}
