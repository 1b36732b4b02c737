using System.Globalization;
using System.Numerics.Tensors;
using Sieve.Abstractions;
using Sieve.Host.Configuration;
using Sieve.Host.Onnx;
using Sieve.Host.Operators;
using Sieve.Host.Pipelines;
using Sieve.Host.Plugins;
using Sieve.Host.Text;

namespace Sieve.Tools.Eval;

/// <summary>
/// How far attention substitution moves a sentence encoder's embeddings: <c>attention/dense</c> against the model's
/// own graph (max absolute difference), and <c>attention/block-sparse</c> at several densities (cosine), on a set of
/// texts of varied length and on texts at the model's token limit.
/// </summary>
internal sealed class EmbedFidelityEvaluation(SieveOptions options, ConfigPaths paths, PluginCatalog plugins)
{
    private const int BatchSize = 16;

    public FidelityReport Run(string modelName, string sentencesPath, IReadOnlyList<double> densities, int shortBlockSize, int texts = 200, int longTexts = 16)
    {
        var shortSet = FidelitySet.Create(sentencesPath, texts, minSentences: 1, maxSentences: 12);
        var longSet = FidelitySet.Create(sentencesPath, longTexts, minSentences: 60, maxSentences: 60, stride: 3);

        var (reference, encoder) = ConfiguredModels.LoadEncoder(options, paths, modelName);
        var shortEncoded = shortSet.Select(encoder.Encode).ToList();
        var longEncoded = longSet.Select(encoder.Encode).ToList();
        float[][] shortReference, longReference;
        using (reference)
        {
            shortReference = Embed(reference, shortEncoded);
            longReference = Embed(reference, longEncoded);
        }
        var denseDifference = 0.0;
        using (var dense = Load(modelName, "dense", new Dictionary<string, string>()))
        {
            var embeddings = Embed(dense, shortEncoded);
            for (var i = 0; i < embeddings.Length; i++)
            {
                denseDifference = Math.Max(denseDifference, TensorPrimitives.MaxMagnitude(Difference(embeddings[i], shortReference[i])));
            }
        }
        var shortPoints = densities.Select(d => Sparse(modelName, shortEncoded, shortReference, d, shortBlockSize)).ToList();
        var longPoints = densities.Select(d => Sparse(modelName, longEncoded, longReference, d, 64)).ToList();
        return new FidelityReport(shortSet.Count, shortEncoded.Min(e => e.Ids.Length), shortEncoded.Max(e => e.Ids.Length), denseDifference,
            shortBlockSize, shortPoints, longSet.Count, longEncoded.Max(e => e.Ids.Length), longPoints);
    }

    private FidelityPoint Sparse(string modelName, List<EncodedText> encoded, float[][] reference, double density, int blockSize)
    {
        var settings = new Dictionary<string, string>
        {
            ["DenseBelow"] = "0",
            ["Density"] = density.ToString(CultureInfo.InvariantCulture),
            ["BlockSize"] = blockSize.ToString(CultureInfo.InvariantCulture),
            ["CompressionKernel"] = (blockSize / 2).ToString(CultureInfo.InvariantCulture),
            ["CompressionStride"] = (blockSize / 4).ToString(CultureInfo.InvariantCulture),
            ["WindowBlocks"] = "0",
        };
        using var model = Load(modelName, "block-sparse", settings);
        var embeddings = Embed(model, encoded);
        var cosines = embeddings.Select((e, i) => (double)TensorPrimitives.Dot(e, reference[i])).ToList();
        var kept = encoded.Average(e =>
        {
            var blocks = (e.Ids.Length + blockSize - 1) / blockSize;
            return Math.Ceiling(density * blocks) / blocks;
        });
        return new FidelityPoint(density, kept, cosines.Min(), cosines.Average());
    }

    private SentenceEmbeddingModel Load(string modelName, string implementation, Dictionary<string, string> settings)
    {
        var bound = OperatorBinder.Standalone<IAttention>(plugins, implementation, settings);
        return ConfiguredModels.LoadEncoder(options, paths, modelName, [bound], EmptyServices.Instance).Model;
    }

    private static float[][] Embed(SentenceEmbeddingModel model, List<EncodedText> encoded)
    {
        var result = new float[encoded.Count][];
        for (var start = 0; start < encoded.Count; start += BatchSize)
        {
            var batch = encoded.GetRange(start, Math.Min(BatchSize, encoded.Count - start));
            model.Embed(batch).CopyTo(result, start);
        }
        return result;
    }

    private static float[] Difference(float[] a, float[] b)
    {
        var difference = new float[a.Length];
        TensorPrimitives.Subtract(a, b, difference);
        return difference;
    }
}
