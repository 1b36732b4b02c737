namespace Sieve.Cuda;

/// <summary>One retain of a device's primary context (<c>cuDevicePrimaryCtxRetain</c>), released with <c>cuDevicePrimaryCtxRelease</c>.</summary>
internal sealed class SafeCudaPrimaryContextHandle : SafeCudaHandle
{
    private int _device;

    /// <summary>An invalid handle, for the interop marshaller.</summary>
    public SafeCudaPrimaryContextHandle()
    {
    }

    /// <summary>Retains the primary context of <paramref name="device"/> (a <c>CUdevice</c>).</summary>
    /// <exception cref="CudaException">The driver refused.</exception>
    public static SafeCudaPrimaryContextHandle Retain(int device)
    {
        var result = CudaDriver.cuDevicePrimaryCtxRetain(out var context, device);
        // The device is needed for the release: it is released by device, not by context.
        context._device = device;
        CudaDriver.Check(result, "cuDevicePrimaryCtxRetain");
        return context;
    }

    protected override int Release(nint handle, nint context) => CudaDriver.cuDevicePrimaryCtxRelease(_device);
}
