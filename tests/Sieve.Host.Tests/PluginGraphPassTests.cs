using System.Text.Json;
using Sieve.Abstractions;
using Sieve.Host.Configuration;
using Sieve.Host.Operators;
using Sieve.Host.Pipelines;
using Sieve.Host.Plugins;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests;

/// <summary>
/// A plugin built against the contract only (tests/TestPlugins/Sieve.TestPlugins.CheckingMatMul) fills the weight-quant
/// slot with its own graph pass and custom operator, which the host has no code for: dropped into the plugins folder, it
/// rewrites all-MiniLM-L6-v2's 36 constant-weight MatMuls, the embeddings stay those of the model's own graph, and
/// <c>sieve inspect</c> lists its matches.
/// </summary>
public class PluginGraphPassTests
{
    private static readonly string[] Texts =
    [
        "A man is eating food.", "A man is eating a piece of bread.", "A woman is playing violin.",
        "The quick brown fox jumps over the lazy dog near the riverbank at dawn, while the birds sing.", "Hi.",
    ];

    private static SieveOptions Options()
    {
        var options = new SieveOptions();
        options.Models["minilm"] = new ModelOptions { Path = TestPaths.ModelPath, Tokenizer = TestPaths.VocabularyPath };
        return options;
    }

    private static (float[][] Embeddings, string Summary) Embed(IReadOnlyList<BoundOperator> operators)
    {
        var (model, encoder) = ConfiguredModels.LoadEncoder(Options(), new ConfigPaths(TestPaths.HostDir), "minilm", operators, EmptyServices.Instance);
        using (model)
        {
            return ([.. model.Embed(Texts.Select(encoder.Encode).ToList())], model.OperatorSummary);
        }
    }

    [Fact]
    public void CheckingMatMul_FromTheDropInFolder_ReplacesEveryConstantMatMulAndKeepsTheEmbeddings()
    {
        using var folder = new TempFolder();
        var plugins = new PluginCatalog(PluginFolder.Create(folder.File("plugins"), PluginFolder.CheckingMatMul));
        Assert.Empty(plugins.Refused);
        var checking = OperatorBinder.Standalone<IWeightQuantizer>(plugins, "checking");

        var (reference, ownSummary) = Embed([]);
        var (rewritten, summary) = Embed([checking]);

        Assert.Equal("the model's own graph", ownSummary);
        Assert.Equal("weight-quant=checking (checking-matmul) on 36 nodes", summary);
        var worst = 0f;
        for (var i = 0; i < reference.Length; i++)
        {
            for (var j = 0; j < reference[i].Length; j++)
            {
                worst = Math.Max(worst, Math.Abs(reference[i][j] - rewritten[i][j]));
            }
        }
        Assert.True(worst <= 1e-5f, $"max |own − checking| {worst}");
    }

    [Fact]
    public void CheckingMatMul_AfterAttention_RunsSecondAndBothSlotsRewrite()
    {
        using var folder = new TempFolder();
        var plugins = new PluginCatalog(PluginFolder.Create(folder.File("plugins"), PluginFolder.CheckingMatMul));
        var operators = new[] { OperatorBinder.Standalone<IWeightQuantizer>(plugins, "checking"), OperatorBinder.Standalone<IAttention>(plugins, "dense") };

        var (reference, _) = Embed([]);
        var (rewritten, summary) = Embed(operators);

        Assert.Equal("attention=dense (built-in) on 6 nodes, weight-quant=checking (checking-matmul) on 36 nodes", summary);
        Assert.True(reference.Zip(rewritten).All(p => p.First.Zip(p.Second).All(v => Math.Abs(v.First - v.Second) <= 1e-5f)));
    }

    [Fact]
    public void CheckingMatMul_RefusingEveryWeight_StopsTheLoadNamingTheRefusals()
    {
        using var folder = new TempFolder();
        var plugins = new PluginCatalog(PluginFolder.Create(folder.File("plugins"), PluginFolder.CheckingMatMul));
        var refusing = OperatorBinder.Standalone<IWeightQuantizer>(plugins, "checking", new Dictionary<string, string> { ["MinimumRows"] = "100000" });

        var error = Assert.Throws<SieveException>(() => Embed([refusing]));

        Assert.Contains("weight-quant/checking is selected but no constant-weight MatMul in the model can be replaced. Found: MatMul '", error.Message, StringComparison.Ordinal);
        Assert.Contains("384 rows are fewer than MinimumRows 100000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_WithCheckingMatMulSelected_ListsItsMatchesAfterAttentions()
    {
        using var folder = new TempFolder();
        PluginFolder.Create(folder.File("plugins"), PluginFolder.CheckingMatMul);
        var config = TestConfig.Write(folder, TestConfig.Sieve());

        var result = SieveProcess.Run("inspect", "minilm", "--config", config, "--set", "Sieve:Operators:weight-quant:Use=checking");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n');
        var attention = Array.FindIndex(lines, l => l.StartsWith("Slot attention: 6 node groups would be replaced by ai.sieve::Attention", StringComparison.Ordinal));
        var weights = Array.FindIndex(lines, l => l.StartsWith("Slot weight-quant: 36 node groups would be replaced by ai.sieve::CheckingMatMul (weight-quant/checking (checking-matmul))", StringComparison.Ordinal));
        Assert.True(attention >= 0 && weights > attention, result.Stdout);
        Assert.Contains("  MatMul '", lines[weights + 1], StringComparison.Ordinal);
    }

    [Fact]
    public void Run_EmbedJobWithCheckingMatMul_WritesTheSameEmbeddingsAsWithout()
    {
        using var folder = new TempFolder();
        PluginFolder.Create(folder.File("plugins"), PluginFolder.CheckingMatMul);
        folder.Write("input.jsonl", TestConfig.Records([.. Texts.Select((t, i) => ($"t{i}", t))]));
        var config = TestConfig.Write(folder, TestConfig.Sieve(jobs: TestConfig.EmbedJob()));

        var own = SieveProcess.Run("run", "--config", config);
        Assert.True(own.ExitCode == 0, own.ToString());
        var expected = Read(folder.File("out/embeddings.jsonl"));
        File.Delete(folder.File("out/embeddings.jsonl"));
        var result = SieveProcess.Run("run", "--config", config, "--set", "Sieve:Operators:weight-quant:Use=checking");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("weight-quant=checking (checking-matmul) on 36 nodes", result.Stdout, StringComparison.Ordinal);
        var actual = Read(folder.File("out/embeddings.jsonl"));
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        Assert.All(expected, e => Assert.True(e.Value.Zip(actual[e.Key]).All(v => Math.Abs(v.First - v.Second) <= 1e-5f), e.Key));
    }

    private static Dictionary<string, float[]> Read(string path) => File.ReadAllLines(path)
        .Select(line => JsonDocument.Parse(line).RootElement)
        .ToDictionary(e => e.GetProperty("id").GetString()!, e => e.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray());
}
