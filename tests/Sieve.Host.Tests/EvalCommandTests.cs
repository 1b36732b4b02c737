using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests;

/// <summary>The evaluations at small sizes: they run end to end and print what they promise.</summary>
public class EvalCommandTests
{
    [Fact]
    public void EvalRetrieval_OnAPrefixOfNaveWeb_PrintsTheThreeSystems()
    {
        using var folder = new TempFolder();
        var config = TestConfig.Write(folder, TestConfig.Sieve(Path.Combine(TestPaths.HostDir, "plugins")));

        var result = SieveProcess.Run("eval", "retrieval", "--config", config, "--collection", folder.File("nave-web"), "--docs", "600", "--queries", "12");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("600 documents, 12 queries", result.Stdout, StringComparison.Ordinal);
        foreach (var system in new[] { "sparse", "dense", "bm25" })
        {
            var row = Regex.Match(result.Stdout, $@"\n{system}\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s");
            Assert.True(row.Success, result.Stdout);
            Assert.InRange(double.Parse(row.Groups[1].Value, CultureInfo.InvariantCulture), 0, 1);
        }
        Assert.Contains("No trained SPLADE", result.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(folder.File("nave-web/summary.json")));
    }

    [Fact]
    public void EvalLm_SmallWindows_PrintsPerplexityAndPasskeyBesideTheManifest()
    {
        using var folder = new TempFolder();
        var sieve = TestConfig.Sieve();
        sieve["Models"]!["lm"] = new JsonObject
        {
            ["Path"] = Path.Combine(TestPaths.LmFolder, "model.onnx"),
            ["Tokenizer"] = Path.Combine(TestPaths.LmFolder, "tokenizer_config.json"),
            ["MaxSequenceLength"] = 4096,
        };
        var config = TestConfig.Write(folder, sieve);

        var result = SieveProcess.Run("eval", "lm", "--config", config, "--model", "lm", "--contexts", "128", "--windows", "2", "--lengths", "512", "--per-cell", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        var perplexity = Regex.Match(result.Stdout, @"\n\s+128\s+2\s+256\s+([\d.]+)");
        Assert.True(perplexity.Success, result.Stdout);
        Assert.InRange(double.Parse(perplexity.Groups[1].Value, CultureInfo.InvariantCulture), 1.5, 8192);
        // The shipped model learnt pass-key retrieval (manifest: every 512-token cell right); the host's greedy decoding
        // through ONNX Runtime must find the keys too.
        var passkey = Regex.Match(result.Stdout, @"overall ([\d.]+) over 11 prompts \(manifest, same cells: ([\d.]+)\)");
        Assert.True(passkey.Success, result.Stdout);
        Assert.Equal("1.000", passkey.Groups[2].Value);
        Assert.True(double.Parse(passkey.Groups[1].Value, CultureInfo.InvariantCulture) >= 0.9, result.Stdout);
    }
}
