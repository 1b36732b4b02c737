using System.Runtime.InteropServices;
using Sieve.Abstractions;
using Sieve.Cuda.Ptx;

namespace Sieve.Cuda;

/// <summary>
/// A PTX kernel loaded in the primary context: its own module (ILGPU's fixed shared-memory symbol names would collide
/// in a shared one), its function, and its parameter layout, checked against the driver's view at load. Launches pack
/// the arguments into one buffer (<c>CU_LAUNCH_PARAM_BUFFER_POINTER</c>) on the current stream. The module is held by a
/// <see cref="SafeCudaModuleHandle"/>; a launch holds a reference on it, so Dispose never unloads a module under a
/// launch in progress, and a launch after Dispose throws <see cref="ObjectDisposedException"/>. Thread-safe.
/// </summary>
internal sealed unsafe class CudaKernel : IGpuKernel, IDisposable
{
    private readonly CudaPrimaryContext _context;
    private readonly Func<nint> _defaultStream;
    private readonly KernelSignature _signature;
    private readonly SafeCudaModuleHandle _module;
    // Owned by the module: valid while _module is.
    private readonly nint _function;
    private int _sharedLimit;

    /// <param name="loadCost">Read when loading is done: the time since compiling started.</param>
    public CudaKernel(CudaPrimaryContext context, Func<nint> defaultStream, string name, PtxKernel ptx, KernelSignature signature, Func<TimeSpan> loadCost)
    {
        _context = context;
        _defaultStream = defaultStream;
        _signature = signature;
        Name = name;
        context.MakeCurrent();
        _module = Load(context, name, ptx.Assembly);
        try
        {
            _function = Function(_module, ptx.EntryName);
            VerifyLayout();
        }
        catch
        {
            _module.Dispose();
            throw;
        }
        LoadCost = loadCost();
    }

    public string Name { get; }

    public TimeSpan LoadCost { get; }

    public void Launch(GpuLaunch launch, KernelArguments arguments)
    {
        if (launch.GridX <= 0 || launch.GridY <= 0 || launch.GridZ <= 0 || launch.GroupSize <= 0 || launch.SharedMemoryBytes < 0)
        {
            throw new ArgumentException($"Kernel {Name}: launch {launch} has an empty grid or group.", nameof(launch));
        }
        var buffer = _signature.Pack(arguments);
        _context.MakeCurrent();
        var referenced = false;
        _module.DangerousAddRef(ref referenced);
        try
        {
            Launch(launch, buffer);
        }
        finally
        {
            _module.DangerousRelease();
        }
    }

    public void Dispose() => _module.Dispose();

    private void Launch(GpuLaunch launch, byte[] buffer)
    {
        if (launch.SharedMemoryBytes > 48 * 1024 && launch.SharedMemoryBytes > Volatile.Read(ref _sharedLimit))
        {
            // Above 48 KiB of dynamic shared memory a kernel must opt in (else the launch fails with "invalid argument").
            CudaDriver.Check(CudaDriver.cuFuncSetAttribute(_function, CudaDriver.FunctionAttributeMaxDynamicSharedSizeBytes, launch.SharedMemoryBytes),
                $"cuFuncSetAttribute({Name}, {launch.SharedMemoryBytes} B shared)");
            Volatile.Write(ref _sharedLimit, launch.SharedMemoryBytes);
        }
        var stream = CudaStreamScope.Current is var current and not 0 ? current : _defaultStream();
        var size = (nuint)buffer.Length;
        fixed (byte* packed = buffer)
        {
            nint* extra = stackalloc nint[] { 1, (nint)packed, 2, (nint)(&size), 0 }; // BUFFER_POINTER, BUFFER_SIZE, END
            CudaDriver.Check(CudaDriver.cuLaunchKernel(_function, (uint)launch.GridX, (uint)launch.GridY, (uint)launch.GridZ, (uint)launch.GroupSize, 1, 1,
                (uint)launch.SharedMemoryBytes, stream, null, extra), $"cuLaunchKernel({Name}, {launch})");
        }
    }

    /// <summary>Compares the computed parameter offsets with the driver's (CUDA 12.4+; skipped where the call is missing).</summary>
    private void VerifyLayout()
    {
        for (var i = 0; i < _signature.Parameters.Count; i++)
        {
            var parameter = _signature.Parameters[i];
            nuint offset, size;
            int result;
            try
            {
                result = CudaDriver.cuFuncGetParamInfo(_function, (nuint)i, out offset, out size);
            }
            catch (EntryPointNotFoundException)
            {
                return;
            }
            CudaDriver.Check(result, $"cuFuncGetParamInfo({Name}, {i})");
            if ((int)offset != parameter.Offset || (int)size != parameter.Size)
            {
                throw new InvalidOperationException($"Kernel {Name}: parameter '{parameter.Name}' is at offset {offset} ({size} B) in the PTX, " +
                    $"the host would pack it at {parameter.Offset} ({parameter.Size} B). ILGPU's parameter layout changed; launching would corrupt arguments.");
            }
        }
    }

    private static SafeCudaModuleHandle Load(CudaPrimaryContext context, string name, string assembly)
    {
        var image = Marshal.StringToCoTaskMemUTF8(assembly);
        const int LogSize = 8192;
        var log = stackalloc byte[LogSize];
        int* options = stackalloc int[] { CudaDriver.JitErrorLogBuffer, CudaDriver.JitErrorLogBufferSizeBytes };
        nint* values = stackalloc nint[] { (nint)log, LogSize };
        try
        {
            var result = CudaDriver.cuModuleLoadDataEx(out var module, (byte*)image, 2, options, values);
            if (result != 0)
            {
                throw new CudaException(result, $"cuModuleLoadDataEx({name})", $"{CudaDriver.Describe(result)}; JIT log: {Marshal.PtrToStringUTF8((nint)log)}");
            }
            module.BindTo(context.Handle);
            return module;
        }
        finally
        {
            Marshal.FreeCoTaskMem(image);
        }
    }

    private static nint Function(SafeCudaModuleHandle module, string entryName)
    {
        var entry = Marshal.StringToCoTaskMemUTF8(entryName);
        try
        {
            CudaDriver.Check(CudaDriver.cuModuleGetFunction(out var function, module, (byte*)entry), $"cuModuleGetFunction({entryName})");
            return function;
        }
        finally
        {
            Marshal.FreeCoTaskMem(entry);
        }
    }
}
