using Sieve.Cuda;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Device;

/// <summary>
/// <c>Sieve:Device = cuda</c> on a machine without an NVIDIA driver (CI): the run stops with a message that says what is
/// missing and how to proceed, or runs on the CPU and says so when <c>Sieve:FallBackToCpu</c> allows.
/// </summary>
public class DeviceSelectionTests
{
    private static string Config(TempFolder folder, bool fallBack)
    {
        folder.Write("input.jsonl", TestConfig.Records(("a", "The first sentence."), ("b", "And a second one.")));
        var sieve = TestConfig.Sieve(jobs: TestConfig.EmbedJob());
        sieve["Device"] = "cuda";
        sieve["FallBackToCpu"] = fallBack;
        return TestConfig.Write(folder, sieve);
    }

    [SkippableFact]
    public void Run_CudaWithoutDriver_StopsNamingTheSettingAndTheWayOut()
    {
        Skip.If(CudaDriver.IsInstalled(out _), "This machine has an NVIDIA driver; the no-GPU path cannot be seen here.");
        using var folder = new TempFolder();
        var result = SieveProcess.Run("run", "--config", Config(folder, fallBack: false));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Sieve:Device is cuda, but libcuda.so.1 (the NVIDIA driver) is not installed", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Sieve:FallBackToCpu", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("out/embeddings.jsonl")));
    }

    [SkippableFact]
    public void Run_CudaWithoutDriverAndFallback_RunsOnCpuAndSaysSo()
    {
        Skip.If(CudaDriver.IsInstalled(out _), "This machine has an NVIDIA driver; the no-GPU path cannot be seen here.");
        using var folder = new TempFolder();
        var result = SieveProcess.Run("run", "--config", Config(folder, fallBack: true));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("running on the CPU as Sieve:FallBackToCpu allows", result.Stderr + result.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, File.ReadAllLines(folder.File("out/embeddings.jsonl")).Length);
    }
}
