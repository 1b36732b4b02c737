using System.Text.Json;
using Microsoft.Extensions.AI;
using Sieve.Host.Embeddings;
using Sieve.Host.Tests.Testing;
using Sieve.Samples;

namespace Sieve.Host.Tests;

/// <summary>The Microsoft.Extensions.AI adapter returns the embed job's vectors, and its sample runs.</summary>
public class SieveEmbeddingGeneratorTests
{
    private static readonly string[] Texts =
    [
        "A man is eating food.",
        "Heavy rain is expected across the north of the country tomorrow.",
        "x",
        "Restart the router if the wireless connection keeps dropping; if it still drops, call your provider.",
        string.Join(' ', Enumerable.Repeat("selah", 700)), // over MiniLM's 512 tokens: truncated, as in the job
        "Fresh bread from the bakery on the corner is the best in town.",
        "Naïve café déjà vu",
    ];

    private static SieveEmbeddingGenerator Load(int batchSize = 3) => SieveEmbeddingGenerator.Load(TestPaths.ModelPath, TestPaths.VocabularyPath, batchSize: batchSize);

    [Fact]
    public async Task GenerateAsync_SameTexts_ReturnsTheEmbedJobsVectors()
    {
        using var folder = new TempFolder();
        folder.Write("input.jsonl", TestConfig.Records([.. Texts.Select((text, i) => ($"t{i}", text))]));
        var job = SieveProcess.Run("run", "--config", TestConfig.Write(folder, TestConfig.Sieve(jobs: TestConfig.EmbedJob(batchSize: 4))));
        Assert.True(job.ExitCode == 0, job.ToString());
        var fromJob = File.ReadAllLines(folder.File("out/embeddings.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToDictionary(
            r => r.GetProperty("id").GetString()!,
            r => (Vector: r.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray(), Truncated: r.TryGetProperty("truncated", out _)));

        using var generator = Load();
        var embeddings = await generator.GenerateAsync(Texts);

        Assert.Equal(Texts.Length, embeddings.Count);
        for (var i = 0; i < Texts.Length; i++)
        {
            var (expected, truncated) = fromJob[$"t{i}"];
            var actual = embeddings[i].Vector.ToArray();
            Assert.Equal(expected.Length, actual.Length);
            // The job pads within its own batches; padding is masked out, so the vectors agree to float rounding.
            Assert.All(Enumerable.Range(0, expected.Length), d => Assert.Equal(expected[d], actual[d], 1e-5f));
            Assert.Equal(truncated, embeddings[i].AdditionalProperties?.ContainsKey("truncated") == true);
        }
        Assert.True(fromJob["t4"].Truncated);
        Assert.True(embeddings.Usage?.InputTokenCount > 512);
    }

    [Fact]
    public async Task GenerateAsync_OrderAndBatchSize_DoNotChangeAText()
    {
        using var generator = Load(batchSize: 1);
        using var batched = Load(batchSize: 32);

        var one = await generator.GenerateAsync(Texts.Reverse());
        var all = await batched.GenerateAsync(Texts);

        for (var i = 0; i < Texts.Length; i++)
        {
            var expected = all[i].Vector.ToArray();
            var actual = one[Texts.Length - 1 - i].Vector.ToArray();
            Assert.All(Enumerable.Range(0, expected.Length), d => Assert.Equal(expected[d], actual[d], 1e-5f));
        }
    }

    [Fact]
    public void GetService_Metadata_NamesTheModelAndItsDimensions()
    {
        using var generator = Load();

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("sieve", metadata.ProviderName);
        Assert.Equal("all-MiniLM-L6-v2", metadata.DefaultModelId);
        Assert.Equal(384, metadata.DefaultModelDimensions);
        Assert.Same(generator, generator.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Null(generator.GetService(typeof(EmbeddingGeneratorMetadata), serviceKey: "other"));
    }

    [Fact]
    public void Load_MissingModel_FailsNamingTheFile()
    {
        var error = Assert.Throws<SieveException>(() => SieveEmbeddingGenerator.Load("/nonexistent/model.onnx", TestPaths.VocabularyPath));
        Assert.Contains("/nonexistent/model.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_PrintsThePublishedCosines()
    {
        using var output = new StringWriter();
        using var generator = EmbeddingsSample.Create(Path.GetDirectoryName(TestPaths.ModelPath)!);

        await EmbeddingsSample.RunAsync(generator, output);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        // all-MiniLM-L6-v2's published figures (docs/DATA): ≈ 0.755 and ≈ −0.07.
        Assert.Matches("""^cos\("A man is eating food\.", "A man is eating a piece of bread\."\) = 0\.7[56]\d$""", lines[0]);
        Assert.Matches("""^cos\("A man is eating food\.", "A woman is playing violin\."\) = -0\.0\d\d$""", lines[1]);
    }
}
