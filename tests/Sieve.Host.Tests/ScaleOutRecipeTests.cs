using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests;

/// <summary>
/// docs/scale-out.md's recipes run as written: the Kubernetes manifest's command line and the Slurm array script, each
/// for N = 3 with the variables the scheduler sets, then the merge; the merged output holds every input id once.
/// </summary>
public class ScaleOutRecipeTests
{
    private const int Shards = 3;

    private static string Deploy(string path) => Path.Combine(TestPaths.RepoRoot, "deploy", path);

    /// <summary>Runs <paramref name="script"/> with bash in <paramref name="folder"/>, the real `sieve` first on PATH.</summary>
    private static (int ExitCode, string Output) Bash(string folder, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("bash") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["PATH"] = TestPaths.HostDir + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        // The apphost `sieve` finds the runtime that runs these tests.
        info.Environment["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    private static string[] InputIds(int count) => [.. Enumerable.Range(0, count).Select(i => $"s{i}")];

    private static string WriteJob(TempFolder folder, int records)
    {
        folder.Write("input.jsonl", TestConfig.Records([.. InputIds(records).Select(id => (id, $"Sentence number {id} about the weather."))]));
        return TestConfig.Write(folder, TestConfig.Sieve(jobs: TestConfig.EmbedJob(batchSize: 2)));
    }

    private static void AssertMergedCoversTheInputOnce(TempFolder folder, int records)
    {
        var merge = Bash(folder.Path, new Dictionary<string, string>(), Deploy("merge-shards.sh"), "out/embeddings.jsonl", $"{Shards}");
        Assert.True(merge.ExitCode == 0, merge.Output);
        var lines = File.ReadAllLines(folder.File("out/embeddings.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(InputIds(records).Order(), lines.Select(l => l.GetProperty("id").GetString()!).Order());
        Assert.All(lines, l => Assert.Equal(384, l.GetProperty("embedding").GetArrayLength()));
    }

    [Fact]
    public void KubernetesIndexedJob_CommandLineForEachIndex_ThenMerge_CoversTheInputOnce()
    {
        var manifest = File.ReadAllLines(Deploy("k8s/sieve-indexed-job.yaml"));
        var command = Assert.Single(manifest, l => l.Contains("sieve run", StringComparison.Ordinal) && !l.TrimStart().StartsWith('#')).Trim()[2..];
        Assert.Contains($"completions: {Shards}", manifest.Select(l => l.Trim()));
        Assert.Contains($"value: \"{Shards}\"", manifest.Select(l => l.Trim())); // SIEVE_SHARDS
        using var folder = new TempFolder();
        var config = WriteJob(folder, records: 10);

        for (var index = 0; index < Shards; index++)
        {
            var run = Bash(folder.Path, new Dictionary<string, string>
            {
                ["JOB_COMPLETION_INDEX"] = $"{index}",
                ["SIEVE_CONFIG"] = config,
                ["SIEVE_JOB"] = "embed",
                ["SIEVE_SHARDS"] = $"{Shards}",
            }, "-c", command);
            Assert.True(run.ExitCode == 0, run.Output);
            Assert.True(File.Exists(folder.File($"out/embeddings.shard-{index}-of-{Shards}.jsonl")), run.Output);
        }

        AssertMergedCoversTheInputOnce(folder, records: 10);
    }

    [Fact]
    public void SlurmArrayScript_ForEachTask_ThenMerge_CoversTheInputOnce()
    {
        var script = File.ReadAllText(Deploy("slurm/sieve-array.sbatch"));
        Assert.Contains($"#SBATCH --array=0-{Shards - 1}", script, StringComparison.Ordinal);
        using var folder = new TempFolder();
        var config = WriteJob(folder, records: 7);

        for (var task = 0; task < Shards; task++)
        {
            var run = Bash(folder.Path, new Dictionary<string, string>
            {
                ["SLURM_ARRAY_TASK_ID"] = $"{task}",
                ["SLURM_ARRAY_TASK_COUNT"] = $"{Shards}",
                ["SIEVE_CONFIG"] = config,
            }, Deploy("slurm/sieve-array.sbatch"));
            Assert.True(run.ExitCode == 0, run.Output);
        }

        AssertMergedCoversTheInputOnce(folder, records: 7);
    }

    [Fact]
    public void MergeShards_AShardNotFinished_StopsNamingItAndWritesNothing()
    {
        using var folder = new TempFolder();
        folder.Write("out/embeddings.shard-0-of-3.jsonl", "{\"id\":\"a\"}\n");
        folder.Write("out/embeddings.shard-1-of-3.jsonl.partial", "{\"id\":\"b\"}\n");
        folder.Write("out/embeddings.shard-2-of-3.jsonl", "{\"id\":\"c\"}\n");

        var merge = Bash(folder.Path, new Dictionary<string, string>(), Deploy("merge-shards.sh"), "out/embeddings.jsonl", "3");

        Assert.Equal(1, merge.ExitCode);
        Assert.Contains("shard 1 of 3 is not finished: out/embeddings.shard-1-of-3.jsonl is missing", merge.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("out/embeddings.jsonl")));
    }
}
