using Sieve.Abstractions;

namespace Sieve.Plugins.Heads.LmHead;

/// <summary>
/// <c>lm-head/clustered</c> (after FlashHead): the vocabulary is split offline into K balanced clusters of output-embedding
/// rows (<c>sieve cluster-head</c>, Flash-KMeans); each decode step scores the K centroids, keeps the
/// <see cref="ClusteredLmHeadOptions.Probe"/> best clusters and computes exact logits for their tokens only. Sampling
/// (greedy, temperature, top-p) then runs over those candidates: an approximation of the dense head, exact whenever the
/// dense head's choice lies in a kept cluster. Reads the hidden state, so the host cuts the model's output projection.
/// Thread-safe.
/// </summary>
public sealed class ClusteredLmHead(ClusteredLmHeadOptions options) : ILmHead
{
    public const string Name = "clustered";

    public bool ReadsHiddenState => true;

    /// <exception cref="InvalidOperationException">The head file is missing, damaged, made for another model, or has fewer clusters than Probe.</exception>
    public ILmHeadScorer Bind(OutputEmbedding embedding)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        if (embedding.Weights.IsEmpty)
        {
            throw new InvalidOperationException("lm-head/clustered needs the output embedding's weights (the host cuts the output projection for a head that reads the hidden state).");
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(embedding.ModelPath)) ?? ".";
        var path = Path.GetFullPath(options.HeadFile, folder);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Options:HeadFile = '{options.HeadFile}': {path} does not exist. Write it with "
                + $"`sieve cluster-head {embedding.ModelPath} --clusters K --out {path}`.");
        }
        HeadFile head;
        try
        {
            head = HeadFile.Read(path);
        }
        catch (InvalidDataException bad)
        {
            throw new InvalidOperationException($"Options:HeadFile = '{options.HeadFile}': {bad.Message}", bad);
        }
        if (head.Vocabulary != embedding.VocabularySize || head.Dimension != embedding.HiddenSize)
        {
            throw new InvalidOperationException($"Options:HeadFile = '{options.HeadFile}': head file {path} is for a [{head.Vocabulary}, {head.Dimension}] output embedding "
                + $"({head.Source}); model {embedding.ModelPath} has [{embedding.VocabularySize}, {embedding.HiddenSize}].");
        }
        var checksum = HeadFile.Checksum(embedding.Weights.Span);
        if (!checksum.AsSpan().SequenceEqual(head.SourceSha256))
        {
            throw new InvalidOperationException($"Options:HeadFile = '{options.HeadFile}': head file {path} was made for another model ({head.Source}, output embedding sha256 "
                + $"{Convert.ToHexStringLower(head.SourceSha256)[..16]}…); model {embedding.ModelPath} has {Convert.ToHexStringLower(checksum)[..16]}…. "
                + $"Rerun `sieve cluster-head {embedding.ModelPath} --clusters K --out {path}`.");
        }
        if (options.Probe > head.Clusters)
        {
            throw new InvalidOperationException($"Options:Probe = {options.Probe} exceeds the {head.Clusters} clusters of head file {path}.");
        }
        return new ClusteredLmHeadScorer(head, embedding.Weights.Span, options.Probe);
    }
}
