using System.Numerics.Tensors;
using Sieve.Host.Configuration;
using Sieve.Host.Pipelines;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests;

/// <summary>The embed path reproduces all-MiniLM-L6-v2's published behaviour.</summary>
public class EmbeddingQualityTests
{
    private static (Onnx.SentenceEmbeddingModel Model, Text.BertTextEncoder Encoder) LoadMiniLm()
    {
        var options = new SieveOptions();
        options.Models["minilm"] = new ModelOptions { Path = TestPaths.ModelPath, Tokenizer = TestPaths.VocabularyPath };
        return ConfiguredModels.LoadEncoder(options, new ConfigPaths(TestPaths.HostDir), "minilm");
    }

    [Fact]
    public void Embed_PublishedSentencePairs_MatchPublishedCosines()
    {
        var (model, encoder) = LoadMiniLm();
        using (model)
        {
            var embeddings = model.Embed([
                encoder.Encode("A man is eating food."),
                encoder.Encode("A man is eating a piece of bread."),
                encoder.Encode("A woman is playing violin."),
            ]);

            Assert.All(embeddings, e => Assert.Equal(384, e.Length));
            Assert.All(embeddings, e => Assert.Equal(1.0, TensorPrimitives.Norm(e), 4));
            Assert.InRange(TensorPrimitives.Dot(embeddings[0], embeddings[1]), 0.745f, 0.765f);
            Assert.InRange(TensorPrimitives.Dot(embeddings[0], embeddings[2]), -0.12f, -0.02f);
        }
    }

    [Fact]
    public void Embed_PaddedBatch_EqualsEachTextAlone()
    {
        var (model, encoder) = LoadMiniLm();
        using (model)
        {
            var texts = new[] { "Short.", "A much longer sentence that needs padding in the other rows of the batch." };
            var together = model.Embed(texts.Select(encoder.Encode).ToList());
            for (var i = 0; i < texts.Length; i++)
            {
                var alone = model.Embed([encoder.Encode(texts[i])])[0];
                Assert.True(TensorPrimitives.Dot(alone, together[i]) > 0.99999f, $"text {i} changed when batched with padding");
            }
        }
    }

    [Fact]
    public void Encode_TextLongerThanLimit_IsTruncatedToLimitEndingWithSeparator()
    {
        var encoder = Text.BertTextEncoder.Load(TestPaths.VocabularyPath, 16, "test");
        var encoded = encoder.Encode(string.Join(' ', Enumerable.Repeat("word", 40)));
        Assert.True(encoded.Truncated);
        Assert.Equal(16, encoded.Ids.Length);
        Assert.Equal(42, encoded.OriginalLength);
        Assert.Equal(102, encoded.Ids[^1]); // [SEP] in BERT's vocabulary
        Assert.Equal(101, encoded.Ids[0]); // [CLS]
    }
}
