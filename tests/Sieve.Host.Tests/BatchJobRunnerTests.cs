using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Sieve.Host.Cli;
using Sieve.Host.Jobs;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests;

public class BatchJobRunnerTests
{
    private static (JobReport Report, FakePipeline Pipeline, NullProgress Progress) Run(TempFolder folder, string input, int batchSize = 4,
        bool stopOnError = false, Shard? shard = null, string output = "out.jsonl")
    {
        var inputPath = folder.Write("input.jsonl", input);
        var run = new JobRun("test", inputPath, "Sieve:Jobs:0:Input", folder.File(output), "Sieve:Jobs:0:Output", batchSize, stopOnError, shard ?? Shard.Whole);
        var pipeline = new FakePipeline();
        var progress = new NullProgress();
        var report = new BatchJobRunner(NullLogger.Instance).Run(run, pipeline, progress, CancellationToken.None);
        return (report, pipeline, progress);
    }

    private static List<string> OutputIds(string path) =>
        File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").ToString()).ToList();

    private static string Records(int count, Func<int, string>? text = null) =>
        string.Concat(Enumerable.Range(0, count).Select(i => JsonSerializer.Serialize(new { id = $"r{i}", text = text?.Invoke(i) ?? new string('x', i % 7 + 1) }) + "\n"));

    [Fact]
    public void Run_AllGood_WritesEveryIdOnceAndRenamesTheOutput()
    {
        using var folder = new TempFolder();
        var (report, pipeline, progress) = Run(folder, Records(23));
        Assert.Equal(23, report.Written);
        Assert.Equal(0, report.Failed);
        Assert.Equal(Enumerable.Range(0, 23).Select(i => $"r{i}").Order(), OutputIds(folder.File("out.jsonl")).Order());
        Assert.False(File.Exists(folder.File("out.jsonl.partial")));
        Assert.All(pipeline.BatchSizes, size => Assert.InRange(size, 1, 4));
        Assert.Equal(23, progress.Done);
    }

    [Fact]
    public void Run_BatchesAreGroupedByLength()
    {
        using var folder = new TempFolder();
        var (_, pipeline, _) = Run(folder, Records(32, i => new string('x', i % 2 == 0 ? 3 : 50)), batchSize: 4);
        // 16 short and 16 long records in one window: sorted, no batch mixes lengths, so padding is minimal.
        var lines = File.ReadAllLines(folder.File("out.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("length").GetInt32()).ToList();
        for (var batch = 0; batch < lines.Count / 4; batch++)
        {
            Assert.Single(lines.Skip(batch * 4).Take(4).Distinct());
        }
        Assert.Equal(8, pipeline.BatchSizes.Count);
    }

    [Fact]
    public void Run_MalformedLineAndMissingFields_AreReportedAndTheRestIsWritten()
    {
        using var folder = new TempFolder();
        var input = "{\"id\":\"a\",\"text\":\"one\"}\n{not json\n{\"text\":\"no id\"}\n{\"id\":\"d\"}\n{\"id\":7,\"text\":\"numeric id\"}\n\n{\"id\":\"f\",\"text\":\"this is bad\"}\n";
        var (report, _, _) = Run(folder, input);
        Assert.Equal(2, report.Written);
        Assert.Equal(4, report.Failed);
        Assert.Equal(["7", "a"], OutputIds(folder.File("out.jsonl")).Order());
        Assert.Contains("\"id\":7,", File.ReadAllText(folder.File("out.jsonl")), StringComparison.Ordinal); // numbers stay numbers
    }

    [Fact]
    public void Run_DuplicateIds_OnlyTheFirstIsProcessed()
    {
        using var folder = new TempFolder();
        var (report, _, _) = Run(folder, "{\"id\":\"a\",\"text\":\"one\"}\n{\"id\":\"a\",\"text\":\"two\"}\n");
        Assert.Equal(1, report.Written);
        Assert.Equal(1, report.Failed);
        Assert.Contains("\"length\":3", File.ReadAllText(folder.File("out.jsonl")), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_OneRecordFailsInsideABatch_OnlyThatRecordFails()
    {
        using var folder = new TempFolder();
        var (report, _, _) = Run(folder, Records(8, i => i == 5 ? "please fail" : "ok text"), batchSize: 8);
        Assert.Equal(7, report.Written);
        Assert.Equal(1, report.Failed);
        Assert.DoesNotContain("r5", OutputIds(folder.File("out.jsonl")));
    }

    [Fact]
    public void Run_StopOnError_StopsAndKeepsWhatWasWritten()
    {
        using var folder = new TempFolder();
        var input = Records(4) + "{broken\n" + Records(4).Replace("\"r", "\"s", StringComparison.Ordinal);
        var error = Assert.Throws<SieveException>(() => Run(folder, input, batchSize: 2, stopOnError: true));
        Assert.Contains("line 5", error.Message, StringComparison.Ordinal);
        Assert.Contains("StopOnError", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("out.jsonl")));
    }

    [Fact]
    public void Run_EmptyInput_FailsNamingTheFileAndSetting()
    {
        using var folder = new TempFolder();
        var error = Assert.Throws<SieveException>(() => Run(folder, "\n  \n"));
        Assert.Contains("has no records", error.Message, StringComparison.Ordinal);
        Assert.Contains("Sieve:Jobs:0:Input", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MissingInput_FailsNamingTheFileAndSetting()
    {
        using var folder = new TempFolder();
        var run = new JobRun("test", folder.File("nope.jsonl"), "Sieve:Jobs:0:Input", folder.File("out.jsonl"), "Sieve:Jobs:0:Output", 4, false, Shard.Whole);
        var error = Assert.Throws<SieveException>(() => new BatchJobRunner(NullLogger.Instance).Run(run, new FakePipeline(), new NullProgress(), CancellationToken.None));
        Assert.Equal($"Input file not found: {folder.File("nope.jsonl")} (Sieve:Jobs:0:Input).", error.Message);
    }

    [Fact]
    public void Run_PartialOutputFromAKilledRun_IsResumedAndTheTornLineDropped()
    {
        using var folder = new TempFolder();
        folder.Write("out.jsonl.partial", "{\"id\":\"r0\",\"length\":1}\n{\"id\":\"r1\",\"length\":2}\n{\"id\":\"r2\",\"len");
        var (report, _, _) = Run(folder, Records(6));
        Assert.Equal(2, report.AlreadyDone);
        Assert.Equal(4, report.Written);
        Assert.Equal(["r0", "r1", "r2", "r3", "r4", "r5"], OutputIds(folder.File("out.jsonl")).Order());
    }

    [Fact]
    public void Run_CompletedOutput_RunAgain_ProcessesOnlyNewRecords()
    {
        using var folder = new TempFolder();
        Run(folder, Records(3));
        var (report, _, _) = Run(folder, Records(5));
        Assert.Equal(3, report.AlreadyDone);
        Assert.Equal(2, report.Written);
        Assert.Equal(5, OutputIds(folder.File("out.jsonl")).Count);
    }

    [Fact]
    public void Run_Shards_PartitionTheRecords()
    {
        using var folder = new TempFolder();
        var input = Records(10);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var shard = new Shard(i, 3);
            var (report, _, progress) = Run(folder, input, shard: shard, output: shard.OutputPath("out.jsonl"));
            Assert.Equal(i == 0 ? 4 : 3, report.Written);
            Assert.Equal(report.Written, progress.Total);
            ids.AddRange(OutputIds(folder.File($"out.shard-{i}-of-3.jsonl")));
        }
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"r{i}").Order(), ids.Order());
    }

    [Fact]
    public void Run_OutputUnderAFile_FailsNamingTheOutputSetting()
    {
        using var folder = new TempFolder();
        folder.Write("blocker", "a file, not a folder");
        var error = Assert.Throws<SieveException>(() => Run(folder, Records(2), output: "blocker/out.jsonl"));
        Assert.Contains("Cannot write the output", error.Message, StringComparison.Ordinal);
        Assert.Contains("Sieve:Jobs:0:Output", error.Message, StringComparison.Ordinal);
    }
}
