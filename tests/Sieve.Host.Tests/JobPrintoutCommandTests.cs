using System.Text.Json;
using System.Text.Json.Nodes;
using Sieve.Host.Generation;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests;

/// <summary>End-to-end: what the real `sieve run` prints of each job — generated texts, the sparse caveat, the device.</summary>
public class JobPrintoutCommandTests
{
    private static string Plugins => Path.Combine(TestPaths.HostDir, "plugins");

    private static string LastLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];

    [Fact]
    public void Run_Generate_PrintsEachPromptAndContinuationThenASummaryNamingTheDevice()
    {
        using var folder = new TempFolder();
        var longPrompt = string.Join(' ', Enumerable.Repeat("In the beginning God created the heavens and the earth.", 4)) + "\nA second line.";
        folder.Write("prompts.jsonl", string.Concat(
            new JsonObject { ["id"] = "short", ["prompt"] = "And God said," }.ToJsonString() + "\n",
            new JsonObject { ["id"] = "long", ["prompt"] = longPrompt }.ToJsonString() + "\n"));
        var sieve = TestConfig.Sieve(jobs: new JsonObject
        {
            ["Name"] = "gen",
            ["Pipeline"] = "generate",
            ["Model"] = "lm",
            ["Input"] = "prompts.jsonl",
            ["Output"] = "out/generated.jsonl",
            ["MaxNewTokens"] = 8,
        });
        sieve["Models"]!["lm"] = new JsonObject
        {
            ["Path"] = Path.Combine(TestPaths.LmFolder, "model.onnx"),
            ["Tokenizer"] = Path.Combine(TestPaths.LmFolder, "tokenizer_config.json"),
            ["MaxSequenceLength"] = 4096,
        };

        var result = SieveProcess.Run("run", "--config", TestConfig.Write(folder, sieve));

        Assert.True(result.ExitCode == 0, result.ToString());
        var texts = File.ReadAllLines(folder.File("out/generated.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("text").GetString()!);
        Assert.Contains("Prompt short: And God said,\n", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"  → {GenerationPrintout.FirstLine(texts["short"], GenerationPrintout.ContinuationChars)} [length]", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Prompt long: In the beginning God created the heavens and the earth. In the beginning God created the heavens …\n",
            result.Stdout, StringComparison.Ordinal);
        Assert.True(result.Stdout.IndexOf("Prompt short", StringComparison.Ordinal) < result.Stdout.IndexOf("Prompt long", StringComparison.Ordinal));
        var summary = LastLine(result.Stdout);
        Assert.StartsWith("Job gen: 2 records", summary, StringComparison.Ordinal);
        Assert.Contains("; device: cpu;", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_SparseSearch_SaysTheHeadIsUntrainedAndEveryJobEndsWithItsSummary()
    {
        using var folder = new TempFolder();
        folder.Write("docs.jsonl", TestConfig.Records(("rain", "Heavy rain is expected tomorrow."), ("bread", "Fresh bread from the bakery.")));
        folder.Write("queries.jsonl", TestConfig.Records(("q1", "Will it rain?")));
        JsonObject Job(string name, string pipeline, string input, string output, string retriever) => new()
        {
            ["Name"] = name,
            ["Pipeline"] = pipeline,
            ["Model"] = "minilm",
            ["Input"] = input,
            ["Output"] = output,
            ["Index"] = "out/docs.sparse",
            ["Corpus"] = "docs.jsonl",
            ["Documents"] = "docs.jsonl",
            ["Retriever"] = retriever,
            ["PrintHits"] = 1,
        };
        var sieve = TestConfig.Sieve(Plugins, jobs:
            [Job("index", "index", "docs.jsonl", "out/vectors.jsonl", "sparse"), Job("sparse", "search", "queries.jsonl", "out/hits.jsonl", "sparse"),
             Job("bm25", "search", "queries.jsonl", "out/hits-bm25.jsonl", "bm25")]);
        sieve["Operators"] = new JsonObject
        {
            ["lexical-head"] = new JsonObject { ["Use"] = "fused" },
            ["sparse-index"] = new JsonObject { ["Use"] = "inverted" },
        };

        var result = SieveProcess.Run("run", "--config", TestConfig.Write(folder, sieve));

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.TrimEntries);
        var caveat = Assert.Single(lines, l => l.Contains("untrained for retrieval", StringComparison.Ordinal));
        Assert.StartsWith("Note: the lexical head is untrained", caveat, StringComparison.Ordinal);
        Assert.EndsWith("see docs/retrieval.md.", caveat, StringComparison.Ordinal);
        var caveatAt = Array.IndexOf(lines, caveat);
        Assert.True(caveatAt < Array.FindIndex(lines, l => l.StartsWith("Job sparse:", StringComparison.Ordinal)), result.Stdout);
        Assert.True(caveatAt > Array.FindIndex(lines, l => l.StartsWith("Job index:", StringComparison.Ordinal)), result.Stdout);
        Assert.All(new[] { "index", "sparse", "bm25" }, job =>
            Assert.Contains(lines, l => l.StartsWith($"Job {job}: ", StringComparison.Ordinal) && l.Contains("; device: cpu;", StringComparison.Ordinal)));
        Assert.StartsWith("Job bm25: ", LastLine(result.Stdout), StringComparison.Ordinal);
    }
}
