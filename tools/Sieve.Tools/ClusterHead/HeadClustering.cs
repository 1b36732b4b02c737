using System.Diagnostics;
using System.Globalization;
using Sieve.Abstractions;
using Sieve.Host.Onnx;
using Sieve.Host.Onnx.Graph;
using Sieve.Host.Onnx.Passes.LmHead;
using Sieve.Plugins.Heads.Clustering;
using Sieve.Plugins.Heads.Clustering.Gpu;
using Sieve.Plugins.Heads.LmHead;

namespace Sieve.Tools.ClusterHead;

/// <summary>
/// <c>sieve cluster-head</c>: reads the LM's output embedding W [V, d] (the constant projection the lm-head cut takes out
/// of the graph, <see cref="OutputProjectionCut"/>), clusters its rows into K balanced clusters with Flash-KMeans (every
/// cluster at most ⌈V/K⌉ tokens) and writes the head file with W's SHA-256.
/// </summary>
internal static class HeadClustering
{
    /// <exception cref="SieveException">The model has no constant output projection, or K exceeds its vocabulary.</exception>
    public static HeadFile Run(HeadClusteringRequest request, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(log);
        var embedding = Read(request.ModelPath);
        var (v, d) = (embedding.VocabularySize, embedding.HiddenSize);
        if (request.Clusters > v)
        {
            throw new SieveException($"--clusters {request.Clusters} exceeds the vocabulary of {request.ModelPath} ({v} tokens).");
        }
        var weights = embedding.Weights.ToArray();
        var settings = new KMeansSettings(request.Clusters, request.Iterations, Balanced: true, Seed: request.Seed);
        var clock = Stopwatch.StartNew();
        var result = request.Gpu is null ? FlashKMeans.Fit(weights, v, d, settings) : new GpuFlashKMeans(request.Gpu).Fit(weights, v, d, settings);
        var head = new HeadFile(v, d, result.Centroids, result.Offsets, result.Members, HeadFile.Checksum(weights), request.ModelPath);
        Directory.CreateDirectory(Path.GetDirectoryName(request.OutputPath)!);
        head.Write(request.OutputPath);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Clustered the [{v}, {d}] output embedding of {request.ModelPath} into {request.Clusters} balanced clusters (at most {settings.Capacity(v)} tokens, " +
            $"largest {head.LargestCluster}) on {(request.Gpu is null ? "the CPU" : request.Gpu.Name)} in {result.Iterations} iterations, {clock.Elapsed.TotalSeconds:F1} s; " +
            $"mean squared distance to the centroid {result.Objective / v:G4}. Wrote {request.OutputPath}."));
        return head;
    }

    /// <summary>The output embedding of the causal LM at <paramref name="modelPath"/>, as the generate pipeline's cut finds it.</summary>
    public static OutputEmbedding Read(string modelPath)
    {
        var cut = new OutputProjectionCut();
        cut.Apply(new OnnxModelGraph(OnnxModelFile.Read(modelPath), modelPath));
        return cut.Embedding!;
    }
}
