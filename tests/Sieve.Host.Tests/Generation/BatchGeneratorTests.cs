using Sieve.Abstractions;
using Sieve.Host.Generation;
using Sieve.Host.Operators.KvCache;

namespace Sieve.Host.Tests.Generation;

/// <summary>Generation with the committed LM: reproducible sampling, the KV cache against the full graph, batches.</summary>
public class BatchGeneratorTests
{
    private static readonly LmTokenizer Tokenizer = SieveLm.Tokenizer();

    private static GenerationRequest Request(string prompt, int maxNewTokens, float temperature = 0, float topP = 1, int seed = 0) =>
        new(Tokenizer.Encode(prompt), maxNewTokens, temperature, topP, seed, [], []);

    [Fact]
    public void Generate_SameSeedTwice_GivesIdenticalTokens()
    {
        using var model = SieveLm.Model();
        GenerationResult Sample(int seed) =>
            new BatchGenerator(model, Tokenizer, new DenseKvCache()).Generate([Request("And God said,", 24, temperature: 1.0f, topP: 0.95f, seed: seed)])[0];

        var first = Sample(42);
        var second = Sample(42);
        var other = Sample(43);

        Assert.Equal(first.Tokens, second.Tokens);
        Assert.Equal(first.Text, second.Text);
        Assert.NotEqual(first.Tokens, other.Tokens);
    }

    [Fact]
    public void Generate_GreedyWithCache_EqualsFullGraphWithoutCache()
    {
        using var model = SieveLm.Model();
        var prompt = Tokenizer.Encode("Call me Ishmael. Some years ago, never mind how long precisely,");
        var generated = new BatchGenerator(model, Tokenizer, new DenseKvCache()).Generate([Request(
            "Call me Ishmael. Some years ago, never mind how long precisely,", 12)])[0].Tokens;

        var cache = new DenseKvCache();
        var sequence = prompt.ToList();
        foreach (var expected in generated)
        {
            // The whole sequence through the graph with an empty past: no cache involved.
            var count = sequence.Count;
            var logits = new float[count * model.VocabularySize];
            using var buffer = cache.Allocate(new KvCacheShape(model.Layers, 1, model.KeyValueHeads, count, model.HeadSize));
            model.Run([.. sequence.Select(t => (long)t)], [.. Enumerable.Range(0, count).Select(p => (long)p)], [.. Enumerable.Repeat(1L, count)], 1, count, buffer, logits);
            var next = TokenSampler.ArgMax(logits.AsSpan((count - 1) * model.VocabularySize, model.VocabularySize));
            Assert.Equal(expected, next);
            sequence.Add(next);
        }
        Assert.Equal(12, generated.Count);
    }

    [Fact]
    public void Generate_BatchOfDifferentLengths_GivesEachPromptsOwnTokens()
    {
        using var model = SieveLm.Model();
        GenerationRequest[] requests =
        [
            Request("In the beginning", 10),
            Request("Now the word of the LORD came unto Jonah the son of Amittai, saying,", 10),
            Request("It was the best of times, it was the worst", 6),
        ];

        var together = new BatchGenerator(model, Tokenizer, new DenseKvCache(), prefillChunk: 8).Generate(requests);
        var alone = requests.Select(r => new BatchGenerator(model, Tokenizer, new DenseKvCache()).Generate([r])[0]).ToList();

        for (var i = 0; i < requests.Length; i++)
        {
            Assert.Equal(alone[i].Tokens, together[i].Tokens);
        }
        Assert.Equal(6, together[2].Tokens.Count);
        Assert.Equal("length", together[2].FinishReason);
    }

    [Fact]
    public void Generate_StopString_CutsTheTextAndReportsStop()
    {
        using var model = SieveLm.Model();
        var free = new BatchGenerator(model, Tokenizer, new DenseKvCache()).Generate([Request("And God said,", 30)])[0];
        var firstWord = free.Text.Trim().Split(' ')[1];

        var stopped = new BatchGenerator(model, Tokenizer, new DenseKvCache())
            .Generate([Request("And God said,", 30) with { StopStrings = [firstWord] }])[0];

        Assert.Equal("stop", stopped.FinishReason);
        Assert.DoesNotContain(firstWord, stopped.Text, StringComparison.Ordinal);
        Assert.StartsWith(stopped.Text, free.Text, StringComparison.Ordinal);
    }
}
