using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Sieve.Abstractions;
using Sieve.Cuda;
using Sieve.Cuda.Ptx;

namespace Sieve.Host.Device;

/// <summary>
/// Where a run's models execute (<c>Sieve:Device</c>): the CPU, or one NVIDIA GPU through ONNX Runtime's CUDA provider
/// with the host's <see cref="CudaGpuDevice"/> in the same (primary) context. Resolved once per process; on CUDA it
/// checks everything a run needs up front (the ORT build, the driver, the device) and stops with a clear message, or
/// falls back to the CPU only when <c>Sieve:FallBackToCpu</c> says so, and says that it did. Thread-safe.
/// </summary>
internal sealed partial class ExecutionDevice : IDisposable
{
    public const string CudaProvider = "CUDAExecutionProvider";

    private ExecutionDevice(DeviceKind kind, CudaGpuDevice? gpu, string description)
    {
        Kind = kind;
        Gpu = gpu;
        Description = description;
    }

    /// <summary>The CPU, for callers without configuration (tests, tools).</summary>
    public static ExecutionDevice Cpu { get; } = new(DeviceKind.Cpu, null, "cpu");

    public DeviceKind Kind { get; }

    /// <summary>The GPU when <see cref="Kind"/> is CUDA.</summary>
    public CudaGpuDevice? Gpu { get; }

    /// <summary>E.g. <c>cuda:0 (NVIDIA H100 80GB HBM3, sm_90, driver CUDA 13.0)</c>.</summary>
    public string Description { get; }

    /// <summary>Resolves <c>Sieve:Device</c> (<paramref name="device"/>: <c>cpu</c> or <c>cuda</c>).</summary>
    /// <param name="cudaDevice"><c>Sieve:CudaDevice</c>: which GPU.</param>
    /// <param name="fallBackToCpu"><c>Sieve:FallBackToCpu</c>: run on the CPU, and say so, where no GPU is usable.</param>
    /// <exception cref="SieveException">CUDA was asked for, is not usable, and fallback is off.</exception>
    public static ExecutionDevice Resolve(string device, int cudaDevice, bool fallBackToCpu, ILogger logger)
    {
        if (!string.Equals(device, "cuda", StringComparison.OrdinalIgnoreCase))
        {
            return Cpu;
        }
        var problem = CudaProblem(cudaDevice, out var gpu);
        if (problem is null)
        {
            return new ExecutionDevice(DeviceKind.Cuda, gpu,
                $"cuda:{cudaDevice} ({gpu!.Name}, sm_{gpu.ComputeCapability}, driver CUDA {gpu.DriverVersion})");
        }
        if (!fallBackToCpu)
        {
            throw new SieveException($"Sieve:Device is cuda, but {problem}. Run on a machine with an NVIDIA GPU and driver, set Sieve:Device to cpu, " +
                "or set Sieve:FallBackToCpu to true to run on the CPU when no GPU is usable.");
        }
        LogFallback(logger, problem);
        return new ExecutionDevice(DeviceKind.Cpu, null, $"cpu (fallback: {problem})");
    }

    /// <summary>Adds the device's execution provider to a session's options (nothing for the CPU).</summary>
    public void AddProvider(SessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Gpu is not null)
        {
            using var cuda = new OrtCUDAProviderOptions();
            cuda.UpdateOptions(new Dictionary<string, string> { ["device_id"] = Gpu.Ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            options.AppendExecutionProvider_CUDA(cuda);
        }
    }

    /// <summary>
    /// Leaves the GPU as it is: the primary context and the modules in it are shared with ONNX Runtime's CUDA provider,
    /// whose own teardown at process exit still uses the context; releasing ours first is one of the two changes that
    /// ended a crash at exit after several CUDA sessions (docs/cuda.md). The driver frees everything when the process ends.
    /// </summary>
    public void Dispose()
    {
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sieve:Device is cuda, but {Problem}; running on the CPU as Sieve:FallBackToCpu allows.")]
    private static partial void LogFallback(ILogger logger, string problem);

    private static string? CudaProblem(int ordinal, out CudaGpuDevice? gpu)
    {
        gpu = null;
        if (!OrtEnv.Instance().GetAvailableProviders().Contains(CudaProvider))
        {
            return "this build of ONNX Runtime has no CUDA execution provider";
        }
        if (!CudaDriver.IsInstalled(out var reason))
        {
            return reason;
        }
        try
        {
            gpu = new CudaGpuDevice(CudaPrimaryContext.Retain(ordinal), new PtxCompiler(PtxCompiler.DefaultCacheDirectory));
            return null;
        }
        catch (CudaException error)
        {
            return $"the CUDA driver refused ({error.Message})";
        }
    }
}
