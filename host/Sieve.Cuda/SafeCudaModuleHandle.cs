namespace Sieve.Cuda;

/// <summary>A loaded module (<c>CUmodule</c>), unloaded with <c>cuModuleUnload</c>; its functions die with it.</summary>
internal sealed class SafeCudaModuleHandle : SafeCudaHandle
{
    /// <summary>An invalid handle, for the interop marshaller.</summary>
    public SafeCudaModuleHandle()
    {
    }

    protected override int Release(nint handle, nint context) =>
        CudaDriver.InContext(context, handle, static module => CudaDriver.cuModuleUnload(module));
}
