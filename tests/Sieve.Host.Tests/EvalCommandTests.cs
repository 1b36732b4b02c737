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

    [Fact]
    public void EvalLm_AttentionsAndSelections_PrintsOneRowPerConfigurationWithDensityAndOracleRecall()
    {
        using var folder = new TempFolder();
        var config = LmConfig(folder);

        // 512-token prompts in blocks of 16 with a budget of 8: the selections really choose.
        var result = SieveProcess.Run("eval", "lm", "--config", config, "--model", "lm", "--contexts", "128", "--windows", "1", "--lengths", "512",
            "--per-cell", "1", "--attention", "dense,block-sparse", "--selection", "oracle,key-bounds",
            "--set", "Sieve:Operators:attention:Use=block-sparse", "--set", "Sieve:Operators:attention:Options:DenseBelow=0",
            "--set", "Sieve:Operators:attention:Options:BlockSize=16", "--set", "Sieve:Operators:attention:Options:TopKBlocks=8");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var configuration in new[] { "dense", "block-sparse/oracle", "block-sparse/key-bounds" })
        {
            Assert.Matches($@"\n{Regex.Escape(configuration)}\s+[\d.]+\s+[\d.]+\s+[\d.]+\s*\n", result.Stdout);
        }
        // The oracle recalls its own picks; its density at the decode steps is the budget over the visible blocks.
        var oracleDecode = Regex.Match(result.Stdout, @"\nblock-sparse/oracle\s+key decode\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)");
        Assert.True(oracleDecode.Success, result.Stdout);
        Assert.Equal("1.000", oracleDecode.Groups[2].Value);
        Assert.InRange(double.Parse(oracleDecode.Groups[1].Value, CultureInfo.InvariantCulture), 0.2, 0.3);
        var keyBounds = Regex.Match(result.Stdout, @"\nblock-sparse/key-bounds\s+key prefill\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)");
        Assert.True(keyBounds.Success, result.Stdout);
        Assert.InRange(double.Parse(keyBounds.Groups[2].Value, CultureInfo.InvariantCulture), 0, 1);
        Assert.True(double.Parse(keyBounds.Groups[3].Value, CultureInfo.InvariantCulture) <= double.Parse(keyBounds.Groups[4].Value, CultureInfo.InvariantCulture) + 1e-3,
            "no selection keeps more attention mass than the oracle at the same budget");
    }

    [Fact]
    public void EvalLm_LayerReuseBesideBlockSparse_PrintsBothWithTheirSelectionTime()
    {
        using var folder = new TempFolder();
        var config = LmConfig(folder);

        var result = SieveProcess.Run("eval", "lm", "--config", config, "--model", "lm", "--contexts", "128", "--windows", "1", "--lengths", "512",
            "--per-cell", "1", "--attention", "block-sparse,layer-reuse", "--selection", "key-bounds",
            "--set", "Sieve:Operators:attention:Use=layer-reuse", "--set", "Sieve:Operators:attention:Options:Policy=" + Path.Combine(TestPaths.LmFolder, "layer-reuse.json"),
            "--set", "Sieve:Operators:attention:Options:Selection=key-bounds", "--set", "Sieve:Operators:attention:Options:DenseBelow=0",
            "--set", "Sieve:Operators:attention:Options:BlockSize=16", "--set", "Sieve:Operators:attention:Options:TopKBlocks=8");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var configuration in new[] { "block-sparse/key-bounds", "layer-reuse" })
        {
            var prefill = Regex.Match(result.Stdout, $@"
{Regex.Escape(configuration)}\s+key prefill\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+([\d.]+)");
            Assert.True(prefill.Success, result.Stdout);
            Assert.True(double.Parse(prefill.Groups[6].Value, CultureInfo.InvariantCulture) > 0, $"{configuration} spent no time choosing");
        }
        // Layer 0 is dense under the policy: layer-reuse attends over more blocks than block-sparse at the same budget.
        double Density(string configuration) => double.Parse(
            Regex.Match(result.Stdout, $@"
{Regex.Escape(configuration)}\s+key prefill\s+([\d.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(Density("layer-reuse") > Density("block-sparse/key-bounds"), result.Stdout);
    }

    [Fact]
    public void EvalLm_SelectionWithoutBlockSparse_SaysSo()
    {
        using var folder = new TempFolder();
        var sieve = TestConfig.Sieve();
        sieve["Models"]!["lm"] = new JsonObject
        {
            ["Path"] = Path.Combine(TestPaths.LmFolder, "model.onnx"),
            ["Tokenizer"] = Path.Combine(TestPaths.LmFolder, "tokenizer_config.json"),
        };
        var config = TestConfig.Write(folder, sieve);

        var result = SieveProcess.Run("eval", "lm", "--config", config, "--model", "lm", "--attention", "dense", "--selection", "oracle");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--selection chooses block-sparse's selection", result.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A configuration with sieve-lm as model <c>lm</c> and the drop-in plugins.</summary>
    private static string LmConfig(TempFolder folder)
    {
        var sieve = TestConfig.Sieve(Path.Combine(TestPaths.HostDir, "plugins"));
        sieve["Models"]!["lm"] = new JsonObject
        {
            ["Path"] = Path.Combine(TestPaths.LmFolder, "model.onnx"),
            ["Tokenizer"] = Path.Combine(TestPaths.LmFolder, "tokenizer_config.json"),
            ["MaxSequenceLength"] = 4096,
        };
        return TestConfig.Write(folder, sieve);
    }
}
