using System.Text.Json;
using System.Text.Json.Nodes;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests;

/// <summary>End-to-end: the generate pipeline with the committed LM.</summary>
public class GenerateCommandTests
{
    [Fact]
    public void Run_Generate_WritesGoodRecordsAndReportsEachBadOne()
    {
        using var folder = new TempFolder();
        var longPrompt = string.Join(' ', Enumerable.Repeat("Selah.", 3000));
        folder.Write("prompts.jsonl", string.Concat(
            new JsonObject { ["id"] = "ok", ["prompt"] = "And God said,", ["max_new_tokens"] = 8 }.ToJsonString() + "\n",
            new JsonObject { ["id"] = "empty", ["prompt"] = "" }.ToJsonString() + "\n",
            new JsonObject { ["id"] = "zero", ["prompt"] = "x", ["max_new_tokens"] = 0 }.ToJsonString() + "\n",
            new JsonObject { ["id"] = "stop", ["prompt"] = "x", ["stop"] = new JsonArray("<|eos|>") }.ToJsonString() + "\n",
            new JsonObject { ["id"] = "long", ["prompt"] = longPrompt }.ToJsonString() + "\n"));
        var sieve = TestConfig.Sieve(jobs: new JsonObject
        {
            ["Name"] = "gen",
            ["Pipeline"] = "generate",
            ["Model"] = "lm",
            ["Input"] = "prompts.jsonl",
            ["Output"] = "out/generated.jsonl",
        });
        sieve["Models"]!["lm"] = new JsonObject
        {
            ["Path"] = Path.Combine(TestPaths.LmFolder, "model.onnx"),
            ["Tokenizer"] = Path.Combine(TestPaths.LmFolder, "tokenizer_config.json"),
            ["MaxSequenceLength"] = 4096,
        };
        var config = TestConfig.Write(folder, sieve);

        var result = SieveProcess.Run("run", "--config", config);

        Assert.True(result.ExitCode == 1, result.ToString());
        var line = JsonDocument.Parse(Assert.Single(File.ReadAllLines(folder.File("out/generated.jsonl")))).RootElement;
        Assert.Equal("ok", line.GetProperty("id").GetString());
        Assert.Equal(8, line.GetProperty("tokens").GetInt32());
        Assert.Equal("length", line.GetProperty("finish_reason").GetString());
        Assert.Contains("line 2, id \"empty\": empty prompt", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("line 3, id \"zero\": \"max_new_tokens\" = 0: must be at least 1", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("line 4, id \"stop\": unknown stop token <|eos|>", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("line 5, id \"long\": prompt of", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("does not fit the model's context of 4096 tokens", result.Stderr, StringComparison.Ordinal);
    }
}
