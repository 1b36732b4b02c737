// Sieve's sentence embeddings through Microsoft.Extensions.AI, in-process (samples/embeddings/README.md).
// Compiled and run by the test SieveEmbeddingGeneratorTests.Sample_PrintsThePublishedCosines.
using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Sieve.Host.Embeddings;

namespace Sieve.Samples;

public static class EmbeddingsSample
{
    /// <summary>Loads the encoder; register the result as a singleton where a DI container wants one.</summary>
    /// <param name="modelFolder">Holds <c>model.onnx</c> and <c>vocab.txt</c>: the host's build output <c>models/all-MiniLM-L6-v2</c>.</param>
    public static IEmbeddingGenerator<string, Embedding<float>> Create(string modelFolder) =>
        SieveEmbeddingGenerator.Load(Path.Combine(modelFolder, "model.onnx"), Path.Combine(modelFolder, "vocab.txt"));

    /// <summary>Embeds three sentences and prints how close the first is to the others; any generator will do.</summary>
    public static async Task RunAsync(IEmbeddingGenerator<string, Embedding<float>> generator, TextWriter output)
    {
        string[] texts = ["A man is eating food.", "A man is eating a piece of bread.", "A woman is playing violin."];
        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(texts);

        for (var i = 1; i < texts.Length; i++)
        {
            var cosine = TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[i].Vector.Span);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cos(\"{texts[0]}\", \"{texts[i]}\") = {cosine:F3}"));
        }
    }
}
