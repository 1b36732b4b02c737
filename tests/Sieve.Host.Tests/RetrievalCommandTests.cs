using System.Text.Json;
using System.Text.Json.Nodes;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests;

/// <summary>End-to-end: the index and search pipelines with the real MiniLM model and the real plugins.</summary>
public class RetrievalCommandTests
{
    private static readonly JsonObject SparseOperators = new()
    {
        ["lexical-head"] = new JsonObject { ["Use"] = "fused", ["Options"] = new JsonObject { ["TopK"] = 32 } },
        ["sparse-index"] = new JsonObject { ["Use"] = "inverted" },
    };

    private static string Documents() => TestConfig.Records(
        ("boat", "The ferry to the island leaves every morning at seven."),
        ("rain", "Heavy rain is expected across the north of the country tomorrow."),
        ("bread", "Fresh bread from the bakery on the corner is the best in town."),
        ("router", "Restart the router if the wireless connection keeps dropping."));

    private static JsonObject Job(string name, string pipeline, string input, string output, JsonObject? operators = null, string? retriever = null) => new()
    {
        ["Name"] = name,
        ["Pipeline"] = pipeline,
        ["Model"] = "minilm",
        ["Input"] = input,
        ["Output"] = output,
        ["Index"] = "out/docs.sparse",
        ["Corpus"] = "docs.jsonl",
        ["Retriever"] = retriever ?? "sparse",
        ["Operators"] = (operators ?? SparseOperators).DeepClone(),
    };

    private static string Plugins => Path.Combine(TestPaths.HostDir, "plugins");

    [Fact]
    public void IndexThenSearch_Sparse_FindsTheMatchingDocumentAndReportsBadQueries()
    {
        using var folder = new TempFolder();
        folder.Write("docs.jsonl", Documents());
        folder.Write("queries.jsonl", "{\"id\":\"q1\",\"text\":\"Will it rain tomorrow?\"}\n{\"id\":\"q2\",\"text\":\"   \"}\n");
        var config = TestConfig.Write(folder, TestConfig.Sieve(Plugins, jobs:
            [Job("index", "index", "docs.jsonl", "out/vectors.jsonl"), Job("search", "search", "queries.jsonl", "out/hits.jsonl")]));

        var result = SieveProcess.Run("run", "--config", config);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("Index ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("4 documents", result.Stdout, StringComparison.Ordinal);
        var hits = File.ReadAllLines(folder.File("out/hits.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal("rain", Assert.Single(hits).GetProperty("hits")[0].GetProperty("doc").GetString());
        Assert.Contains("Job search, line 2, id \"q2\": empty query", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Search_IndexFromAnotherHead_IsRefusedNamingTheSetting()
    {
        using var folder = new TempFolder();
        folder.Write("docs.jsonl", Documents());
        folder.Write("queries.jsonl", "{\"id\":\"q1\",\"text\":\"rain\"}\n");
        var otherHead = new JsonObject
        {
            ["lexical-head"] = new JsonObject { ["Use"] = "dense" },
            ["sparse-index"] = new JsonObject { ["Use"] = "inverted" },
        };
        var config = TestConfig.Write(folder, TestConfig.Sieve(Plugins, jobs:
            [Job("index", "index", "docs.jsonl", "out/vectors.jsonl"), Job("search", "search", "queries.jsonl", "out/hits.jsonl", otherHead)]));

        var result = SieveProcess.Run("run", "--config", config);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Sieve:Jobs:1:Index", result.Stderr + result.Stdout, StringComparison.Ordinal);
        Assert.Contains("cannot be used", result.Stderr + result.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("out/hits.jsonl")));
    }

    [Fact]
    public void Index_DuplicateDocumentIds_ReportsTheLaterLineAndIndexesTheFirst()
    {
        using var folder = new TempFolder();
        folder.Write("docs.jsonl", Documents() + TestConfig.Records(("rain", "A second document that reuses an id.")));
        var config = TestConfig.Write(folder, TestConfig.Sieve(Plugins, jobs: [Job("index", "index", "docs.jsonl", "out/vectors.jsonl")]));

        var result = SieveProcess.Run("run", "--config", config);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("Job index, line 5, id \"rain\": duplicate id", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(4, File.ReadAllLines(folder.File("out/vectors.jsonl")).Length);
        Assert.Contains("4 documents", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Search_Bm25_StopWordsOnlyQueryIsReportedAndDuplicateCorpusIdsRefused()
    {
        using var folder = new TempFolder();
        folder.Write("docs.jsonl", Documents());
        folder.Write("queries.jsonl", "{\"id\":\"q1\",\"text\":\"ferry island\"}\n{\"id\":\"q2\",\"text\":\"the of and\"}\n");
        var config = TestConfig.Write(folder, TestConfig.Sieve(Plugins, jobs:
            [Job("bm25", "search", "queries.jsonl", "out/hits.jsonl", new JsonObject(), "bm25")]));

        var result = SieveProcess.Run("run", "--config", config);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("id \"q2\": query cannot be searched: no searchable term is left after analysis", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("\"doc\":\"boat\"", File.ReadAllText(folder.File("out/hits.jsonl")), StringComparison.Ordinal);

        folder.Write("docs.jsonl", Documents() + TestConfig.Records(("boat", "Again.")));
        var duplicate = SieveProcess.Run("run", "--config", config);
        Assert.NotEqual(0, duplicate.ExitCode);
        Assert.Contains("line 5, id \"boat\": duplicate document id", duplicate.Stderr + duplicate.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Index_WithShard_IsRefusedBeforeAnythingRuns()
    {
        using var folder = new TempFolder();
        folder.Write("docs.jsonl", Documents());
        var config = TestConfig.Write(folder, TestConfig.Sieve(Plugins, jobs: [Job("index", "index", "docs.jsonl", "out/vectors.jsonl")]));

        var result = SieveProcess.Run("run", "--config", config, "--shard", "0/2");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("builds one inverted index from every document: run it without --shard", result.Stderr + result.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("out/docs.sparse")));
    }
}
