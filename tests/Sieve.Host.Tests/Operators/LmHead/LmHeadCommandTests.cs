using System.Text.Json.Nodes;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Operators.LmHead;

/// <summary>End to end: <c>sieve cluster-head</c> and a generate job with <c>lm-head/clustered</c>, chosen by configuration alone.</summary>
public sealed class LmHeadCommandTests
{
    [Fact]
    public void ClusterHead_ThenGenerate_RunsTheClusteredHeadByConfiguration()
    {
        using var folder = new TempFolder();
        var clustered = SieveProcess.Run("cluster-head", SieveLmHeadFile.ModelPath, "--clusters", "32", "--iterations", "5", "--out", folder.File("head.bin"));
        Assert.True(clustered.ExitCode == 0, clustered.ToString());
        Assert.Contains("into 32 balanced clusters (at most 256 tokens", clustered.Stderr, StringComparison.Ordinal);

        var result = SieveProcess.Run("run", "--config", Config(folder, new JsonObject { ["Probe"] = 4, ["HeadFile"] = folder.File("head.bin") }));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, File.ReadAllLines(folder.File("out/generated.jsonl")).Length);
        Assert.Contains("lm-head cut at MatMul 'lm_head'", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Contains("lm-head/clustered", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_MissingHeadFile_StopsNamingTheSettingAndTheFile()
    {
        using var folder = new TempFolder();

        var result = SieveProcess.Run("run", "--config", Config(folder, new JsonObject { ["Probe"] = 4, ["HeadFile"] = "absent.bin" }));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Options:HeadFile = 'absent.bin'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(TestPaths.LmFolder, "absent.bin"), result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ClusterHead_MoreClustersThanTokens_IsRefusedNamingTheOption()
    {
        using var folder = new TempFolder();

        var result = SieveProcess.Run("cluster-head", SieveLmHeadFile.ModelPath, "--clusters", "9000", "--out", folder.File("head.bin"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--clusters 9000 exceeds the vocabulary", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("head.bin")));
    }

    private static string Config(TempFolder folder, JsonObject headOptions)
    {
        folder.Write("prompts.jsonl", "{\"id\":\"a\",\"prompt\":\"And God said,\",\"max_new_tokens\":6}\n{\"id\":\"b\",\"prompt\":\"Call me Ishmael.\",\"max_new_tokens\":6}\n");
        var sieve = TestConfig.Sieve(pluginsPath: Path.Combine(TestPaths.HostDir, "plugins"), jobs: new JsonObject
        {
            ["Name"] = "gen",
            ["Pipeline"] = "generate",
            ["Model"] = "lm",
            ["Input"] = "prompts.jsonl",
            ["Output"] = "out/generated.jsonl",
        });
        sieve["Models"]!["lm"] = new JsonObject
        {
            ["Path"] = SieveLmHeadFile.ModelPath,
            ["Tokenizer"] = Path.Combine(TestPaths.LmFolder, "tokenizer_config.json"),
            ["MaxSequenceLength"] = 4096,
        };
        sieve["Operators"] = new JsonObject { ["lm-head"] = new JsonObject { ["Use"] = "clustered", ["Options"] = headOptions } };
        return TestConfig.Write(folder, sieve);
    }
}
