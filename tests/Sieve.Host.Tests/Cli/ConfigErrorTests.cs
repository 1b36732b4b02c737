using System.Text.Json;
using System.Text.Json.Nodes;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Cli;

/// <summary>End-to-end: a bad configuration stops the real `sieve` command with the key, the value and where it was set.</summary>
public class ConfigErrorTests
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Writes an indented config with one embed job changed by <paramref name="changeJob"/>; returns its path.</summary>
    private static string WriteConfig(TempFolder folder, Action<JsonObject> changeJob)
    {
        folder.Write("input.jsonl", TestConfig.Records(("a", "one sentence")));
        var job = TestConfig.EmbedJob();
        changeJob(job);
        return folder.Write("appsettings.json", new JsonObject { ["Sieve"] = TestConfig.Sieve(jobs: job) }.ToJsonString(Indented));
    }

    /// <summary>The 1-based line of the first line of <paramref name="path"/> that contains <paramref name="text"/>.</summary>
    private static int LineOf(string path, string text) => File.ReadAllLines(path).ToList().FindIndex(l => l.Contains(text, StringComparison.Ordinal)) + 1;

    private static void AssertInvalidWithoutTrace(SieveResult result, string message)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Hosting failed to start", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_SetOfWrongType_NamesKeyValueExpectedTypeAndSource()
    {
        using var folder = new TempFolder();
        var config = WriteConfig(folder, _ => { });
        var result = SieveProcess.Run("run", "--config", config, "--set", "Sieve:Jobs:0:BatchSize=abc", "--set", "Sieve:FallBackToCpu=maybe");
        AssertInvalidWithoutTrace(result, "Sieve:Jobs:0:BatchSize = 'abc' is not an integer (from --set).");
        Assert.Contains("Sieve:FallBackToCpu = 'maybe' is not true or false (from --set).", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.File("out")));
    }

    [Fact]
    public void Run_WrongTypeInTheFile_NamesTheLine()
    {
        using var folder = new TempFolder();
        var config = WriteConfig(folder, job => job["BatchSize"] = "many");
        AssertInvalidWithoutTrace(SieveProcess.Run("run", "--config", config),
            $"Sieve:Jobs:0:BatchSize = 'many' is not an integer ({config} line {LineOf(config, "\"BatchSize\"")}).");
    }

    [Fact]
    public void Run_UnknownKeyInTheFile_SuggestsTheClosestKnownKeyAndNamesTheLine()
    {
        using var folder = new TempFolder();
        var config = WriteConfig(folder, job =>
        {
            job.Remove("BatchSize");
            job["BatchSze"] = 8;
        });
        AssertInvalidWithoutTrace(SieveProcess.Run("run", "--config", config),
            $"Sieve:Jobs:0:BatchSze is not a setting ({config} line {LineOf(config, "\"BatchSze\"")}). Did you mean BatchSize (Sieve:Jobs:0:BatchSize)?");
    }

    [Fact]
    public void Run_UnknownKeyFarFromAnyKnownOne_ListsTheKnownKeys()
    {
        using var folder = new TempFolder();
        var config = WriteConfig(folder, _ => { });
        AssertInvalidWithoutTrace(SieveProcess.Run("run", "--config", config, "--set", "Sieve:Models:minilm:Colour=red"),
            "Sieve:Models:minilm:Colour is not a setting (from --set). Settings of Sieve:Models:minilm: Path, Tokenizer, MaxSequenceLength.");
    }

    [Fact]
    public void Run_JsonSyntaxError_GivesFileLineAndColumn()
    {
        using var folder = new TempFolder();
        var config = folder.Write("appsettings.json", "{\n  \"Sieve\": {\n    \"Device\": \"cpu\" \"PluginsPath\": \"plugins\"\n  }\n}\n");
        AssertInvalidWithoutTrace(SieveProcess.Run("run", "--config", config),
            $"Configuration file {config} is not valid JSON: line 3, column 21: ");
    }

    [Fact]
    public void Run_ConfigErrorWithVerbose_PrintsTheStackTrace()
    {
        using var folder = new TempFolder();
        var config = WriteConfig(folder, job => job["BatchSize"] = 0);
        var result = SieveProcess.Run("run", "--config", config, "--verbose");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Sieve:Jobs:0:BatchSize = 0 is invalid", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Plugins_WithABadJobSetting_StillLists()
    {
        using var folder = new TempFolder();
        var config = WriteConfig(folder, job => job["BatchSze"] = 8);
        var result = SieveProcess.Run("plugins", "--config", config);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Plugins folder:", result.Stdout, StringComparison.Ordinal);
    }
}
