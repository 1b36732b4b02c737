using Microsoft.Extensions.Logging.Abstractions;
using Sieve.Abstractions;
using Sieve.Host.Configuration;
using Sieve.Host.Device;
using Sieve.Cuda;
using Sieve.Tools.Eval;
using Sieve.Host.Operators;
using Sieve.Host.Pipelines;
using Sieve.Host.Plugins;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Device;

/// <summary>
/// The CUDA path on a real GPU: skipped, saying why, where there is none (CI). The same checks run as benchmark records
/// on the lent H100 (bench/results), since that machine has no .NET SDK to run tests.
/// </summary>
[Trait("Category", "Gpu")]
public sealed class CudaPathTests
{
    private static readonly PluginCatalog Plugins = new(Path.Combine(TestPaths.HostDir, "plugins"));

    private static SieveOptions Options(string device)
    {
        var options = new SieveOptions { Device = device };
        options.Models["minilm"] = new ModelOptions { Path = TestPaths.ModelPath, Tokenizer = TestPaths.VocabularyPath };
        return options;
    }

    private static void SkipWithoutGpu() =>
        Skip.IfNot(CudaDriver.IsInstalled(out var reason) && OnlyIfDevice(), $"No CUDA device here ({reason ?? "the driver reports none"}).");

    private static bool OnlyIfDevice()
    {
        try
        {
            using var context = CudaPrimaryContext.Retain(0);
            return true;
        }
        catch (CudaException)
        {
            return false;
        }
    }

    private static float[][] Embed(ExecutionDevice device, string? attention, IReadOnlyList<string> texts)
    {
        var services = new DeviceServices(device);
        var bound = attention is null ? null : OperatorBinder.Standalone(Plugins, "attention", attention, new Dictionary<string, string>());
        var (model, encoder) = ConfiguredModels.LoadEncoder(Options(device.Kind == DeviceKind.Cuda ? "cuda" : "cpu"), new ConfigPaths(TestPaths.HostDir), "minilm", bound is null ? [] : [bound], services);
        using (model)
        {
            return model.Embed(texts.Select(t => encoder.Encode(t)).ToList());
        }
    }

    [SkippableFact]
    public void Embed_DenseAttentionOnCuda_EqualsOrtCudasOwnGraph()
    {
        SkipWithoutGpu();
        using var cuda = ExecutionDevice.Resolve("cuda", 0, fallBackToCpu: false, NullLogger.Instance);
        var texts = FidelitySet.Create(Path.Combine(TestPaths.SamplesDir, "sentences.jsonl"), 24, 1, 12);
        var reference = Embed(cuda, null, texts);
        var dense = Embed(cuda, "dense", texts);
        var cpu = Embed(ExecutionDevice.Cpu, null, texts);
        for (var i = 0; i < texts.Count; i++)
        {
            for (var j = 0; j < reference[i].Length; j++)
            {
                Assert.True(Math.Abs(reference[i][j] - dense[i][j]) <= 1e-3, $"text {i}, dim {j}: ORT-CUDA {reference[i][j]}, dense on CUDA {dense[i][j]}");
                Assert.True(Math.Abs(cpu[i][j] - dense[i][j]) <= 1e-3, $"text {i}, dim {j}: CPU {cpu[i][j]}, dense on CUDA {dense[i][j]}");
            }
        }
    }

    /// <summary>The services a job gets: the execution device and its GPU.</summary>
    private sealed class DeviceServices(ExecutionDevice device) : IServiceProvider
    {
        public object? GetService(Type serviceType) =>
            serviceType == typeof(ExecutionDevice) ? device : serviceType == typeof(IGpuDevice) ? device.Gpu : null;
    }
}
