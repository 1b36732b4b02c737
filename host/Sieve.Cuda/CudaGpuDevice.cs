using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using Sieve.Abstractions;
using Sieve.Cuda.Ptx;

namespace Sieve.Cuda;

/// <summary>
/// The host's <see cref="IGpuDevice"/> over one CUDA device: kernels compiled by <see cref="PtxCompiler"/>, loaded and
/// launched in the primary context (the one ONNX Runtime uses) on the current operator stream, or on this device's
/// own non-blocking stream outside operator calls. Owns its context retain, its stream and its kernels' modules
/// through <c>Safe*Handle</c>s; <see cref="ExecutionDevice"/> never disposes it (docs/native-resources.md). Thread-safe.
/// </summary>
internal sealed unsafe class CudaGpuDevice : IGpuDevice, IDisposable
{
    private readonly CudaPrimaryContext _context;
    private readonly PtxCompiler _compiler;
    private readonly ConcurrentDictionary<MethodInfo, Lazy<CudaKernel>> _kernels = new();
    private readonly Lazy<SafeCudaStreamHandle> _stream;

    public CudaGpuDevice(CudaPrimaryContext context, PtxCompiler compiler)
    {
        _context = context;
        _compiler = compiler;
        _stream = new Lazy<SafeCudaStreamHandle>(() =>
        {
            _context.MakeCurrent();
            CudaDriver.Check(CudaDriver.cuStreamCreate(out var stream, CudaDriver.StreamNonBlocking), "cuStreamCreate");
            stream.BindTo(_context.Handle);
            return stream;
        });
    }

    public string Name => _context.Name;

    public int ComputeCapability => _context.ComputeCapability;

    public int MultiprocessorCount => _context.MultiprocessorCount;

    public string DriverVersion => _context.DriverVersion;

    /// <summary>The primary context the device works in.</summary>
    public CudaPrimaryContext Context => _context;

    /// <summary>The CUDA device number.</summary>
    public int Ordinal => _context.Ordinal;


    /// <summary>Makes the primary context current on the calling thread.</summary>
    public void MakeCurrent() => _context.MakeCurrent();

    public IGpuKernel Kernel(MethodInfo method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return _kernels.GetOrAdd(method, m => new Lazy<CudaKernel>(() => Load(m))).Value;
    }

    public IGpuBuffer Allocate(long bytes) =>
        CudaStreamScope.Current is var current and not 0
            ? new CudaBuffer(_context, null, current, bytes)
            : new CudaBuffer(_context, _stream.Value, _stream.Value.DangerousGetHandle(), bytes);

    /// <summary>Copies host data into device memory, ordered on the current stream; returns when the copy is done.</summary>
    public void Upload<T>(ReadOnlySpan<T> source, DeviceAddress target) where T : unmanaged
    {
        _context.MakeCurrent();
        fixed (T* data = source)
        {
            CudaDriver.Check(CudaDriver.cuMemcpyHtoDAsync(target.Value, data, (nuint)(source.Length * sizeof(T)), CurrentStream), "cuMemcpyHtoDAsync");
            Synchronize();
        }
    }

    /// <summary>Copies device memory to the host after the current stream's earlier work; returns when it is done.</summary>
    public void Download<T>(DeviceAddress source, Span<T> target) where T : unmanaged
    {
        _context.MakeCurrent();
        fixed (T* data = target)
        {
            CudaDriver.Check(CudaDriver.cuMemcpyDtoHAsync(data, source.Value, (nuint)(target.Length * sizeof(T)), CurrentStream), "cuMemcpyDtoHAsync");
            Synchronize();
        }
    }

    /// <summary>Waits until the current stream's work is done.</summary>
    public void Synchronize()
    {
        _context.MakeCurrent();
        CudaDriver.Check(CudaDriver.cuStreamSynchronize(CurrentStream), "cuStreamSynchronize");
    }

    /// <summary>Starts a GPU-side timer on the current stream (CUDA events).</summary>
    public CudaTimer StartTimer()
    {
        _context.MakeCurrent();
        return new CudaTimer(_context, CurrentStream);
    }

    public void Dispose()
    {
        foreach (var kernel in _kernels.Values)
        {
            if (kernel.IsValueCreated)
            {
                kernel.Value.Dispose();
            }
        }
        if (_stream.IsValueCreated)
        {
            _stream.Value.Dispose();
        }
        _compiler.Dispose();
        _context.Dispose();
    }

    /// <summary>What loading each kernel cost so far: ILGPU's compile (or the PTX cache) and the driver's JIT.</summary>
    public IReadOnlyList<string> LoadReport => [.. _loads];

    private readonly ConcurrentQueue<string> _loads = new();

    /// <summary>
    /// The stream launches go to now: the operator call's (ORT's, not ours to release), else this device's own. Raw,
    /// because ORT's stream is; our own stream is destroyed only by <see cref="Dispose"/>, after which the context
    /// refuses every call (<see cref="CudaPrimaryContext.MakeCurrent"/>).
    /// </summary>
    private nint CurrentStream => CudaStreamScope.Current is var current and not 0 ? current : _stream.Value.DangerousGetHandle();

    private CudaKernel Load(MethodInfo method)
    {
        var signature = KernelSignature.Of(method);
        var watch = Stopwatch.StartNew();
        var ptx = _compiler.Compile(method, ComputeCapability);
        var compiled = watch.Elapsed;
        var name = $"{method.DeclaringType?.Name}.{method.Name}";
        var kernel = new CudaKernel(_context, () => _stream.Value.DangerousGetHandle(), name, ptx, signature, () => watch.Elapsed);
        _loads.Enqueue(FormattableString.Invariant(
            $"{name}: {watch.Elapsed.TotalMilliseconds:F0} ms ({(ptx.FromCache ? "PTX from the disk cache" : $"ILGPU {compiled.TotalMilliseconds:F0} ms")}, driver load and JIT {(watch.Elapsed - compiled).TotalMilliseconds:F0} ms)"));
        return kernel;
    }
}
