using System.Runtime.InteropServices;

namespace Sieve.Host.Device.Cuda;

/// <summary>
/// The primary context of one CUDA device: the context ONNX Runtime's CUDA provider works in, so memory, modules and
/// streams of both live in one context and kernels can run on ORT's stream. Retained on creation, released on
/// dispose. Every thread that allocates, loads or launches calls <see cref="MakeCurrent"/> first (CUDA's current
/// context is per thread). Thread-safe.
/// </summary>
internal sealed unsafe class CudaPrimaryContext : IDisposable
{
    private readonly nint _context;
    private bool _disposed;

    private CudaPrimaryContext(int ordinal, int device, nint context)
    {
        Ordinal = ordinal;
        _context = context;
        Name = Read(device);
        ComputeCapability = Attribute(device, CudaDriver.AttributeComputeCapabilityMajor) * 10 + Attribute(device, CudaDriver.AttributeComputeCapabilityMinor);
        MultiprocessorCount = Attribute(device, CudaDriver.AttributeMultiprocessorCount);
        int version;
        CudaDriver.Check(CudaDriver.cuDriverGetVersion(&version), "cuDriverGetVersion");
        DriverVersion = $"{version / 1000}.{version % 1000 / 10}";
    }

    public int Ordinal { get; }

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
        int count;
        CudaDriver.Check(CudaDriver.cuDeviceGetCount(&count), "cuDeviceGetCount");
        if (ordinal >= count)
        {
            throw new CudaException(101, "cuDeviceGet", $"CUDA device {ordinal} requested, {count} present");
        }
        int device;
        CudaDriver.Check(CudaDriver.cuDeviceGet(&device, ordinal), "cuDeviceGet");
        nint context;
        CudaDriver.Check(CudaDriver.cuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain");
        var primary = new CudaPrimaryContext(ordinal, device, context);
        primary.MakeCurrent();
        KeepFreedScratch(device);
        return primary;
    }

    /// <summary>
    /// Freed stream-ordered allocations up to this many bytes stay in the device's pool. The default (0) hands them
    /// back to the driver at every synchronization, so an operator's per-call scratch was mapped anew on each call
    /// (about 3.7 ms for 1 GiB on an H200).
    /// </summary>
    public const ulong RetainedScratchBytes = 4UL << 30;

    private static void KeepFreedScratch(int device)
    {
        nint pool;
        CudaDriver.Check(CudaDriver.cuDeviceGetDefaultMemPool(&pool, device), "cuDeviceGetDefaultMemPool");
        var threshold = RetainedScratchBytes;
        CudaDriver.Check(CudaDriver.cuMemPoolSetAttribute(pool, CudaDriver.MemPoolAttributeReleaseThreshold, &threshold), "cuMemPoolSetAttribute(release threshold)");
    }

    /// <summary>Makes the primary context current on the calling thread (a cheap check when it already is).</summary>
    public void MakeCurrent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        nint current;
        CudaDriver.Check(CudaDriver.cuCtxGetCurrent(&current), "cuCtxGetCurrent");
        if (current != _context)
        {
            CudaDriver.Check(CudaDriver.cuCtxSetCurrent(_context), "cuCtxSetCurrent");
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _ = CudaDriver.cuDevicePrimaryCtxRelease(Ordinal);
        }
    }

    private static int Attribute(int device, int attribute)
    {
        int value;
        CudaDriver.Check(CudaDriver.cuDeviceGetAttribute(&value, attribute, device), $"cuDeviceGetAttribute({attribute})");
        return value;
    }

    private static string Read(int device)
    {
        var name = stackalloc byte[256];
        CudaDriver.Check(CudaDriver.cuDeviceGetName(name, 256, device), "cuDeviceGetName");
        return Marshal.PtrToStringUTF8((nint)name) ?? $"CUDA device {device}";
    }
}
