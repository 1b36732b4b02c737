using System.Text.Json.Nodes;

namespace Sieve.Host.Tests.Testing;

/// <summary>Writes a `sieve` configuration into a test folder, pointing at the real MiniLM model.</summary>
internal static class TestConfig
{
    /// <summary>An embed job reading <paramref name="input"/> and writing <paramref name="output"/> (relative to the folder).</summary>
    public static JsonObject EmbedJob(string name = "embed", string input = "input.jsonl", string output = "out/embeddings.jsonl", int batchSize = 8) => new()
    {
        ["Name"] = name,
        ["Pipeline"] = "embed",
        ["Model"] = "minilm",
        ["Input"] = input,
        ["Output"] = output,
        ["BatchSize"] = batchSize,
    };

    public static JsonObject Sieve(string? pluginsPath = null, string? modelPath = null, params JsonObject[] jobs)
    {
        var jobArray = new JsonArray();
        foreach (var job in jobs)
        {
            jobArray.Add(job);
        }
        return new JsonObject
        {
            ["Device"] = "cpu",
            ["PluginsPath"] = pluginsPath ?? "plugins",
            ["Models"] = new JsonObject
            {
                ["minilm"] = new JsonObject
                {
                    ["Path"] = modelPath ?? TestPaths.ModelPath,
                    ["Tokenizer"] = TestPaths.VocabularyPath,
                },
            },
            ["Jobs"] = jobArray,
        };
    }

    /// <summary>Writes <c>appsettings.json</c> with the given Sieve section and returns its path.</summary>
    public static string Write(TempFolder folder, JsonObject sieve) =>
        folder.Write("appsettings.json", new JsonObject { ["Sieve"] = sieve }.ToJsonString());

    /// <summary>JSONL of <c>{"id", "text"}</c> records.</summary>
    public static string Records(params (string Id, string Text)[] records) =>
        string.Concat(records.Select(r => new JsonObject { ["id"] = r.Id, ["text"] = r.Text }.ToJsonString() + "\n"));
}
