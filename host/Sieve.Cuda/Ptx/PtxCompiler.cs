using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Sieve.Cuda.Ptx;

/// <summary>
/// Compiles explicitly grouped ILGPU kernels (static C# methods) to PTX with ILGPU's PTX backend, which needs no GPU;
/// the host loads the PTX itself in CUDA's primary context (ILGPU's own accelerator would create a second context
/// whose kernels cannot run on ONNX Runtime's stream). Results are cached per kernel and architecture in memory and
/// on disk (<c>$SIEVE_PTX_CACHE</c>, else <c>~/.cache/sieve/ptx</c>), keyed by the kernel's assembly version id, so a
/// rebuilt plugin never reuses stale PTX. Thread-safe.
/// </summary>
internal sealed partial class PtxCompiler : IDisposable
{
    private readonly Context _context = Context.Create(builder => builder.Optimize(OptimizationLevel.O2));
    private readonly Dictionary<int, PTXBackend> _backends = [];
    private readonly Dictionary<(MethodInfo, int), PtxKernel> _compiled = [];
    private readonly Lock _lock = new();
    private readonly string? _cacheDirectory;

    /// <param name="cacheDirectory">Where compiled PTX is kept between runs; null for no disk cache.</param>
    public PtxCompiler(string? cacheDirectory)
    {
        _cacheDirectory = cacheDirectory;
    }

    /// <summary>The default disk cache folder.</summary>
    public static string DefaultCacheDirectory =>
        Environment.GetEnvironmentVariable("SIEVE_PTX_CACHE") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "sieve", "ptx");

    /// <summary>Compiles <paramref name="kernel"/> for compute capability <paramref name="computeCapability"/> (e.g. 90).</summary>
    /// <exception cref="InvalidOperationException">ILGPU cannot compile the method; the message names it.</exception>
    public PtxKernel Compile(MethodInfo kernel, int computeCapability)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        lock (_lock)
        {
            if (_compiled.TryGetValue((kernel, computeCapability), out var known))
            {
                return known;
            }
            var cacheFile = _cacheDirectory is null ? null : Path.Combine(_cacheDirectory, CacheKey(kernel, computeCapability) + ".ptx");
            PtxKernel result;
            if (cacheFile is not null && File.Exists(cacheFile))
            {
                var text = File.ReadAllText(cacheFile);
                result = new PtxKernel(text, EntryName(text, kernel), TimeSpan.Zero, true);
            }
            else
            {
                var watch = Stopwatch.StartNew();
                string text;
                try
                {
                    var compiled = (PTXCompiledKernel)Backend(computeCapability).Compile(EntryPointDescription.FromExplicitlyGroupedKernel(kernel), default);
                    text = compiled.PTXAssembly;
                }
                catch (Exception error) when (error is not OutOfMemoryException)
                {
                    throw new InvalidOperationException($"ILGPU could not compile kernel {kernel.DeclaringType?.FullName}.{kernel.Name} to PTX: {error.Message}", error);
                }
                result = new PtxKernel(text, EntryName(text, kernel), watch.Elapsed, false);
                if (cacheFile is not null)
                {
                    Store(cacheFile, text);
                }
            }
            _compiled[(kernel, computeCapability)] = result;
            return result;
        }
    }

    public void Dispose()
    {
        foreach (var backend in _backends.Values)
        {
            backend.Dispose();
        }
        _context.Dispose();
    }

    private PTXBackend Backend(int computeCapability)
    {
        if (!_backends.TryGetValue(computeCapability, out var backend))
        {
            var architecture = new CudaArchitecture(computeCapability / 10, computeCapability % 10);
            backend = new PTXBackend(_context, architecture, CudaInstructionSet.ISA_88, null!);
            _backends[computeCapability] = backend;
        }
        return backend;
    }

    private static string EntryName(string ptx, MethodInfo kernel)
    {
        var match = EntryPattern().Match(ptx);
        return match.Success ? match.Groups[1].Value : throw new InvalidOperationException($"The PTX of kernel {kernel.Name} declares no .entry.");
    }

    private static string CacheKey(MethodInfo kernel, int computeCapability)
    {
        var identity = $"{kernel.Module.ModuleVersionId}|{kernel.MetadataToken}|{kernel.DeclaringType?.FullName}.{kernel.Name}|sm_{computeCapability}|" +
            typeof(Context).Assembly.GetName().Version;
        return $"{kernel.Name}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..16]}";
    }

    /// <summary>Writes through a temporary file, so a crash never leaves half a module for the next run.</summary>
    private static void Store(string path, string text)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = path + "." + Environment.ProcessId + ".tmp";
            File.WriteAllText(temporary, text);
            File.Move(temporary, path, overwrite: true);
        }
        catch (IOException)
        {
            // The cache only saves time; a read-only home must not stop the run.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [GeneratedRegex(@"\.entry\s+([A-Za-z_$][\w$]*)\s*\(")]
    private static partial Regex EntryPattern();
}
