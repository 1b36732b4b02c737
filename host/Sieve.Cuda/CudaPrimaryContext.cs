using System.Runtime.InteropServices;

namespace Sieve.Cuda;

/// <summary>
/// The primary context of one CUDA device: the context ONNX Runtime's CUDA provider works in, so memory, modules and
/// streams of both live in one context and kernels can run on ORT's stream. Retained on creation; the retain is held by
/// <see cref="Handle"/>, released on dispose once nothing bound to the context (modules, streams, events, memory)
/// still holds it. Every thread that allocates, loads or launches calls <see cref="MakeCurrent"/> first (CUDA's current
/// context is per thread). Thread-safe.
/// </summary>
internal sealed unsafe class CudaPrimaryContext : IDisposable
{
    private readonly int _device;
    private volatile bool _disposed;

    private CudaPrimaryContext(int ordinal, int device, SafeCudaPrimaryContextHandle context)
    {
        Ordinal = ordinal;
        _device = device;
        Handle = context;
        Name = Read(device);
        ComputeCapability = Attribute(device, CudaDriver.AttributeComputeCapabilityMajor) * 10 + Attribute(device, CudaDriver.AttributeComputeCapabilityMinor);
        MultiprocessorCount = Attribute(device, CudaDriver.AttributeMultiprocessorCount);
        CudaDriver.Check(CudaDriver.cuDriverGetVersion(out var version), "cuDriverGetVersion");
        DriverVersion = $"{version / 1000}.{version % 1000 / 10}";
    }

    public int Ordinal { get; }

    /// <summary>The retain; objects created in the context are bound to it (<see cref="SafeCudaHandle.BindTo"/>).</summary>
    public SafeCudaPrimaryContextHandle Handle { get; }

    public string Name { get; }

    public int ComputeCapability { get; }

    public int MultiprocessorCount { get; }

    /// <summary>The CUDA version the driver supports, e.g. 13.0.</summary>
    public string DriverVersion { get; }

    /// <summary>Retains the primary context of device <paramref name="ordinal"/>.</summary>
    /// <exception cref="CudaException">No driver, no such device, or the driver refused.</exception>
    public static CudaPrimaryContext Retain(int ordinal)
    {
        CudaDriver.Check(CudaDriver.cuInit(0), "cuInit");
        CudaDriver.Check(CudaDriver.cuDeviceGetCount(out var count), "cuDeviceGetCount");
        if (ordinal >= count)
        {
            throw new CudaException(101, "cuDeviceGet", $"CUDA device {ordinal} requested, {count} present");
        }
        CudaDriver.Check(CudaDriver.cuDeviceGet(out var device, ordinal), "cuDeviceGet");
        var context = SafeCudaPrimaryContextHandle.Retain(device);
        try
        {
            var primary = new CudaPrimaryContext(ordinal, device, context);
            primary.MakeCurrent();
            KeepFreedScratch(device);
            return primary;
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Freed stream-ordered allocations up to this many bytes stay in the device's pool. The default (0) hands them
    /// back to the driver at every synchronization, so an operator's per-call scratch was mapped anew on each call
    /// (about 3.7 ms for 1 GiB on an H200).
    /// </summary>
    public const ulong RetainedScratchBytes = 4UL << 30;

    private static void KeepFreedScratch(int device)
    {
        // The device's default pool belongs to the driver: nothing to release.
        CudaDriver.Check(CudaDriver.cuDeviceGetDefaultMemPool(out var pool, device), "cuDeviceGetDefaultMemPool");
        var threshold = RetainedScratchBytes;
        CudaDriver.Check(CudaDriver.cuMemPoolSetAttribute(pool, CudaDriver.MemPoolAttributeReleaseThreshold, &threshold), "cuMemPoolSetAttribute(release threshold)");
    }

    /// <summary>Whether the device's primary context is active: retained by anyone (ORT too), so not yet destroyed.</summary>
    public bool IsActive
    {
        get
        {
            CudaDriver.Check(CudaDriver.cuDevicePrimaryCtxGetState(_device, out _, out var active), "cuDevicePrimaryCtxGetState");
            return active != 0;
        }
    }

    /// <summary>Bytes of the device's default pool now handed out by <c>cuMemAllocAsync</c> (ORT's arena is not in it).</summary>
    public ulong PoolBytesInUse
    {
        get
        {
            CudaDriver.Check(CudaDriver.cuDeviceGetDefaultMemPool(out var pool, _device), "cuDeviceGetDefaultMemPool");
            ulong used;
            CudaDriver.Check(CudaDriver.cuMemPoolGetAttribute(pool, CudaDriver.MemPoolAttributeUsedMemCurrent, &used), "cuMemPoolGetAttribute(used)");
            return used;
        }
    }

    /// <summary>Makes the primary context current on the calling thread (a cheap check when it already is).</summary>
    public void MakeCurrent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CudaDriver.Check(CudaDriver.cuCtxGetCurrent(out var current), "cuCtxGetCurrent");
        if (current != Handle.DangerousGetHandle())
        {
            CudaDriver.Check(CudaDriver.cuCtxSetCurrent(Handle), "cuCtxSetCurrent");
        }
    }

    /// <summary>Refuses further use; the retain itself goes when the last object bound to it is released.</summary>
    public void Dispose()
    {
        _disposed = true;
        Handle.Dispose();
    }

    private static int Attribute(int device, int attribute)
    {
        CudaDriver.Check(CudaDriver.cuDeviceGetAttribute(out var value, attribute, device), $"cuDeviceGetAttribute({attribute})");
        return value;
    }

    private static string Read(int device)
    {
        var name = stackalloc byte[256];
        CudaDriver.Check(CudaDriver.cuDeviceGetName(name, 256, device), "cuDeviceGetName");
        return Marshal.PtrToStringUTF8((nint)name) ?? $"CUDA device {device}";
    }
}
