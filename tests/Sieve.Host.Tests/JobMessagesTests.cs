using System.Text;
using System.Text.Json;
using Sieve.Host.Cli;
using Sieve.Host.Jobs;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests;

/// <summary>Bad bytes, StopOnError, resume and the progress rate: what a job tells its user.</summary>
public class JobMessagesTests
{
    private static (JobReport Report, ListLogger Log) Run(TempFolder folder, byte[] input, bool stopOnError = false, int batchSize = 4)
    {
        var inputPath = folder.File("input.jsonl");
        File.WriteAllBytes(inputPath, input);
        var run = new JobRun("test", inputPath, "Sieve:Jobs:0:Input", folder.File("out.jsonl"), "Sieve:Jobs:0:Output", batchSize, stopOnError, Shard.Whole);
        var log = new ListLogger();
        var report = new BatchJobRunner(log).Run(run, new FakePipeline(), new NullProgress(), CancellationToken.None);
        return (report, log);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string Record(string id, string text) => JsonSerializer.Serialize(new { id, text }) + "\n";

    private static List<string> OutputLines(string path) => [.. File.ReadAllLines(path)];

    [Fact]
    public void Run_InvalidUtf8InARecord_FailsThatRecordNamingItsLineAndId()
    {
        using var folder = new TempFolder();
        // "café" in Latin-1: 0xE9 is not UTF-8.
        byte[] input = [.. Utf8(Record("a", "one")), .. Utf8("{\"id\":\"latin1\",\"text\":\"caf"), 0xE9, .. Utf8("\"}\n"), .. Utf8(Record("c", "three"))];

        var (report, log) = Run(folder, input);

        Assert.Equal(2, report.Written);
        Assert.Equal(1, report.Failed);
        Assert.Contains("line 2, id \"latin1\": invalid UTF-8 (byte 0xE9 at byte 27 of the line)", log.Text, StringComparison.Ordinal);
        var output = File.ReadAllText(folder.File("out.jsonl"));
        Assert.DoesNotContain("latin1", output, StringComparison.Ordinal);
        Assert.DoesNotContain('\uFFFD', output);
    }

    [Fact]
    public void Run_InvalidUtf8WhereNoIdCanBeRead_IsReportedWithItsLine()
    {
        using var folder = new TempFolder();
        byte[] input = [0xFF, 0xFE, .. Utf8("garbage\n"), .. Utf8(Record("b", "two"))];

        var (report, log) = Run(folder, input);

        Assert.Equal(1, report.Written);
        Assert.Equal(1, report.Failed);
        Assert.Contains("line 1: invalid UTF-8 (byte 0xFF at byte 1 of the line)", log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ValidUtf8WithByteOrderMarkAndCrLf_IsReadAsWritten()
    {
        using var folder = new TempFolder();
        byte[] input = [0xEF, 0xBB, 0xBF, .. Utf8("{\"id\":\"a\",\"text\":\"naïve 日本\"}\r\n  \r\n"), .. Utf8(Record("b", "x"))];

        var (report, _) = Run(folder, input);

        Assert.Equal(2, report.Written);
        Assert.Equal(0, report.Failed);
        // FakePipeline writes the text's length in UTF-16 code units: decoded exactly, no BOM or \r left in it.
        Assert.Contains("{\"id\":\"a\",\"length\":8}", OutputLines(folder.File("out.jsonl")));
    }

    [Fact]
    public void Run_StopOnError_ProcessesTheRecordsBeforeTheBadLineAndNamesThePartialFile()
    {
        using var folder = new TempFolder();
        var input = Record("r0", "a") + Record("r1", "bb") + Record("r2", "ccc") + "{broken\n" + Record("r4", "dddd");

        var error = Assert.Throws<SieveException>(() => Run(folder, Utf8(input), stopOnError: true, batchSize: 2));

        var partial = folder.File("out.jsonl.partial");
        Assert.Contains($"3 records are written to {partial}", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 4", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("out.jsonl")));
        Assert.Equal(["r0", "r1", "r2"], OutputLines(partial).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).Order());
    }

    [Fact]
    public void Run_StopOnError_ThenFixedInput_ResumesFromThePartialFile()
    {
        using var folder = new TempFolder();
        var good = Record("r0", "a") + Record("r1", "bb");
        Assert.Throws<SieveException>(() => Run(folder, Utf8(good + Record("r2", "bad text") + Record("r3", "d")), stopOnError: true));

        var (report, log) = Run(folder, Utf8(good + Record("r2", "fixed text") + Record("r3", "d")), stopOnError: true);

        Assert.Equal(2, report.AlreadyDone);
        Assert.Equal(2, report.Written);
        Assert.Contains("resuming: 2 records already written", log.Text, StringComparison.Ordinal);
        Assert.Equal(4, OutputLines(folder.File("out.jsonl")).Count);
    }

    [Fact]
    public void Run_ResumeAfterAKill_SaysHowManyWereDoneAndThatTheTornLineWasCut()
    {
        using var folder = new TempFolder();
        folder.Write("out.jsonl.partial", "{\"id\":\"r0\",\"length\":1}\n{\"id\":\"r1\",\"length\":2}\n{\"id\":\"r2\",\"len");

        var (report, log) = Run(folder, Utf8(Record("r0", "a") + Record("r1", "bb") + Record("r2", "ccc")));

        Assert.Equal(2, report.AlreadyDone);
        Assert.Equal(1, report.Written);
        var resume = Assert.Single(log.Messages, m => m.Contains("resuming", StringComparison.Ordinal));
        Assert.Equal($"Job test: resuming: 2 records already written in {folder.File("out.jsonl.partial")}; a torn last line (15 bytes) was cut", resume);
    }

    [Fact]
    public void Run_ResumeOfAWholeFile_SaysNoLineWasCut()
    {
        using var folder = new TempFolder();
        folder.Write("out.jsonl.partial", "{\"id\":\"r0\",\"length\":1}\n");

        var (_, log) = Run(folder, Utf8(Record("r0", "a") + Record("r1", "bb")));

        Assert.Contains("resuming: 1 records already written", log.Text, StringComparison.Ordinal);
        Assert.Contains("; no torn line", log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_FreshOutput_SaysNothingAboutResuming()
    {
        using var folder = new TempFolder();

        var (_, log) = Run(folder, Utf8(Record("r0", "a")));

        Assert.DoesNotContain(log.Messages, m => m.Contains("resuming", StringComparison.Ordinal));
    }

    [Fact]
    public void LogJobProgress_Rate_CountsOnlyRecordsProcessedInThisRun()
    {
        var log = new ListLogger();
        var clock = new ManualTimeProvider();
        var progress = new LogJobProgress(log, "test", TimeSpan.FromSeconds(5), clock);
        progress.Start(1_020);

        progress.Skip(1_000); // written by an earlier run: read back in no time
        clock.Advance(TimeSpan.FromSeconds(10));
        progress.Advance(20);

        var values = Assert.Single(log.Values).ToDictionary(v => v.Key, v => v.Value);
        Assert.Equal(2.0, (double)values["Rate"]!, 6);
        Assert.Equal(1_020L, values["Done"]);
        Assert.Contains("1020/1020 records (2.0 records/s in this run)", log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void SummaryLine_NamesTheDevice()
    {
        var report = new JobReport("embed") { Written = 3, Elapsed = TimeSpan.FromSeconds(1), Device = "cuda:0 (NVIDIA H100)", Operators = "none", OutputPath = "/o" };

        Assert.Contains("; device: cuda:0 (NVIDIA H100); operators: none; output: /o", report.SummaryLine(), StringComparison.Ordinal);
    }
}
