namespace Sieve.Cuda;

/// <summary>A stream the host created (<c>CUstream</c>), destroyed with <c>cuStreamDestroy</c>. ORT's streams are never held by one.</summary>
internal sealed class SafeCudaStreamHandle : SafeCudaHandle
{
    /// <summary>An invalid handle, for the interop marshaller.</summary>
    public SafeCudaStreamHandle()
    {
    }

    protected override int Release(nint handle, nint context) =>
        CudaDriver.InContext(context, handle, static stream => CudaDriver.cuStreamDestroy(stream));
}
