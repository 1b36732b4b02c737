using System.Diagnostics;
using System.Globalization;
using Sieve.Abstractions;
using Sieve.Host.Cli;
using Sieve.Host.Configuration;
using Sieve.Host.Onnx.Passes.LmHead;
using Sieve.Host.Operators.KvCache;
using Sieve.Host.Pipelines;
using Sieve.Plugins.Heads.Clustering;
using Sieve.Plugins.Heads.LmHead;

namespace Sieve.Tools.Bench;

/// <summary>
/// <c>sieve bench lm-head</c>: microseconds per decode step of the LM head, dense (every row of W, <see cref="HeadDots.DenseLogits"/>)
/// against lm-head/clustered (K centroids + the Probe kept clusters' tokens), batch by batch, on the CPU, both spread
/// over the cores by the same multiply. Two vocabularies:
/// <list type="bullet">
/// <item><c>sieve-lm</c>: the generate job's model (8,192 × 256), clustered here with Flash-KMeans (balanced, --lm-clusters),
/// hidden states from the model itself on a held-out window;</item>
/// <item><c>VxD</c> (e.g. 128256x4096): random embeddings with cluster structure: ⌈V/128⌉ centres ~ N(0, 1/d) per
/// coordinate, each token its centre plus N(0, (0.5/√d)²) noise, 128 tokens a centre; the head's clusters are those groups
/// (centroid = the group's mean; no k-means at this size on a CPU) unless --kmeans-iterations; hidden states are 4 × a random
/// centre plus N(0, 1/d) noise.</item>
/// </list>
/// Reports the median step time, the speed-up and top-1 agreement (the clustered best token is the dense one). Not thread-safe.
/// </summary>
internal sealed class LmHeadBenchmark(CommandLine commandLine, SieveOptions options, ConfigPaths paths, IServiceProvider services)
{
    private const int TokensPerCluster = 128;

    public void Run(TextWriter output, CancellationToken cancellation)
    {
        var batches = commandLine.Value<List<int>>("--batches");
        var probes = commandLine.Value<List<int>>("--probes");
        var steps = commandLine.Value<int>("--steps");
        var c = CultureInfo.InvariantCulture;
        output.WriteLine($"lm-head per decode step: dense (all V rows) vs clustered (K centroids + Probe clusters' tokens), same multiply, all cores; {steps} steps after a warm-up (median)");
        output.WriteLine($"machine: {MachineDescription.Describe()}; device: cpu");
        output.WriteLine("vocabulary        V     d     K  probe  batch   dense µs   clustered µs  speed-up  scored/row  top-1 agree");
        foreach (var vocabulary in commandLine.Value<string[]>("--vocabularies") ?? [])
        {
            if (cancellation.IsCancellationRequested)
            {
                break;
            }
            var setup = Stopwatch.StartNew();
            var (weights, v, d, head, hidden, rows) = vocabulary == "sieve-lm" ? SieveLm() : Synthetic(vocabulary);
            output.WriteLine(string.Create(c, $"# {vocabulary}: set up in {setup.Elapsed.TotalSeconds:F0} s ({head.Clusters} clusters, largest {head.LargestCluster})"));
            var path = Path.Combine(Path.GetTempPath(), $"sieve-bench-lm-head-{Environment.ProcessId}.bin");
            head.Write(path);
            try
            {
                foreach (var probe in probes.Where(p => p <= head.Clusters))
                {
                    using var scorer = new ClusteredLmHead(new ClusteredLmHeadOptions { Probe = probe, HeadFile = path })
                        .Bind(new OutputEmbedding(weights, v, d, path));
                    foreach (var batch in batches)
                    {
                        var (dense, clustered, agree) = Time(scorer, weights, v, d, hidden, rows, batch, steps);
                        output.WriteLine(string.Create(c,
                            $"{vocabulary,-12} {v,7} {d,5} {head.Clusters,5}  {probe,5}  {batch,5}  {dense,9:F0}  {clustered,13:F0}  {dense / clustered,7:F2}×  {head.Clusters + (double)scorer.MaxCandidates,10:F0}  {100 * agree,9:F2} %"));
                    }
                }
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>Median µs per step of each head over <paramref name="steps"/> steps of <paramref name="batch"/> rows, and the top-1 agreement.</summary>
    private static (double Dense, double Clustered, double Agreement) Time(ILmHeadScorer scorer, float[] weights, int v, int d, float[] hidden, int rows,
        int batch, int steps)
    {
        var input = new float[batch * d];
        var logits = new float[(long)batch * v];
        var (tokens, candidateLogits, counts) = (new int[batch * scorer.MaxCandidates], new float[batch * scorer.MaxCandidates], new int[batch]);
        var (dense, clustered) = (new List<double>(), new List<double>());
        long agree = 0, compared = 0;
        for (var step = -1; step < steps; step++)
        {
            for (var r = 0; r < batch; r++)
            {
                Array.Copy(hidden, (((step + 1) * batch + r) % rows) * d, input, r * d, d);
            }
            var clock = Stopwatch.StartNew();
            HeadDots.DenseLogits(input, batch, weights, v, d, logits);
            var denseUs = clock.Elapsed.TotalMicroseconds;
            clock.Restart();
            scorer.Score(new LmHeadCall { Input = input, Rows = batch, Tokens = tokens, Logits = candidateLogits, Counts = counts });
            var clusteredUs = clock.Elapsed.TotalMicroseconds;
            if (step < 0)
            {
                continue;
            }
            dense.Add(denseUs);
            clustered.Add(clusteredUs);
            for (var r = 0; r < batch; r++)
            {
                var best = r * scorer.MaxCandidates;
                for (var i = best + 1; i < r * scorer.MaxCandidates + counts[r]; i++)
                {
                    best = candidateLogits[i] > candidateLogits[best] ? i : best;
                }
                agree += tokens[best] == Sieve.Host.Generation.TokenSampler.ArgMax(logits.AsSpan(r * v, v)) ? 1 : 0;
                compared++;
            }
        }
        return (Statistics.Median(dense), Statistics.Median(clustered), (double)agree / compared);
    }

    /// <summary>The generate job's model: its embedding, a balanced Flash-KMeans head, hidden states of a held-out window.</summary>
    private (float[] Weights, int V, int D, HeadFile Head, float[] Hidden, int Rows) SieveLm()
    {
        var job = options.Jobs.FirstOrDefault(j => string.Equals(j.Pipeline, PipelineCatalog.Generate, StringComparison.OrdinalIgnoreCase))
            ?? throw new SieveException("sieve bench lm-head sieve-lm needs a generate job in the configuration (its model is used).");
        var cut = new OutputProjectionCut();
        var (model, _) = ConfiguredModels.LoadCausalLm(options, paths, job.Model, [], services, cut);
        using (model)
        {
            var embedding = cut.Embedding!;
            var (v, d) = (embedding.VocabularySize, embedding.HiddenSize);
            var weights = embedding.Weights.ToArray();
            var clusters = commandLine.Value<int>("--lm-clusters");
            var result = FlashKMeans.Fit(weights, v, d, new KMeansSettings(clusters, Balanced: true, Seed: 1));
            var head = new HeadFile(v, d, result.Centroids, result.Offsets, result.Members, HeadFile.Checksum(weights), "sieve-lm");
            var folder = Path.GetDirectoryName(paths.Resolve(options.Models[job.Model].Path))!;
            var tokens = Eval.LmEvaluation.ReadTokens(Path.Combine(folder, "eval", "heldout.u16.gz"));
            const int Rows = 256;
            var hidden = new float[Rows * d];
            using var cache = new DenseKvCache().Allocate(new KvCacheShape(model.Layers, 1, model.KeyValueHeads, Rows, model.HeadSize, model.Device));
            model.Run([.. tokens.Take(Rows).Select(t => (long)t)], [.. Enumerable.Range(0, Rows).Select(p => (long)p)], [.. Enumerable.Repeat(1L, Rows)],
                1, Rows, cache, hidden);
            return (weights, v, d, head, hidden, Rows);
        }
    }

    /// <summary>Random embeddings with cluster structure (see the class summary).</summary>
    private (float[] Weights, int V, int D, HeadFile Head, float[] Hidden, int Rows) Synthetic(string shape)
    {
        var parts = shape.Split('x');
        if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var v) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var d)
            || v < TokensPerCluster || d < 1)
        {
            throw new SieveException($"--vocabularies {shape}: expected sieve-lm or VxD with V ≥ {TokensPerCluster} (e.g. 128256x4096).");
        }
        var k = (v + TokensPerCluster - 1) / TokensPerCluster;
        var random = new Random(20261208);
        var scale = 1 / MathF.Sqrt(d);
        var centres = new float[k * d];
        for (var i = 0; i < centres.Length; i++)
        {
            centres[i] = scale * KMeansBenchmark.Gaussian(random);
        }
        // Token t belongs to group t mod K after a seeded shuffle, so groups are not runs of ids.
        var group = new int[v];
        for (var t = 0; t < v; t++)
        {
            group[t] = t % k;
        }
        random.Shuffle(group);
        var weights = new float[(long)v * d];
        Parallel.For(0, (v + 1023) / 1024, chunk =>
        {
            var local = new Random(chunk + 1);
            for (var t = chunk * 1024; t < Math.Min(v, (chunk + 1) * 1024); t++)
            {
                for (var j = 0; j < d; j++)
                {
                    weights[(long)t * d + j] = centres[group[t] * d + j] + 0.5f * scale * KMeansBenchmark.Gaussian(local);
                }
            }
        });
        var iterations = commandLine.Value<int?>("--kmeans-iterations") ?? 0;
        KMeansResult clusters;
        if (iterations > 0)
        {
            clusters = FlashKMeans.Fit(weights, v, d, new KMeansSettings(k, iterations, Balanced: true, Seed: 1));
        }
        else
        {
            var (members, offsets) = SortedCentroidUpdate.Group(group, k);
            var means = new float[k * d];
            SortedCentroidUpdate.Update(weights, d, members, offsets, means);
            clusters = new KMeansResult(means, group, members, offsets, 0, 0);
        }
        var head = new HeadFile(v, d, clusters.Centroids, clusters.Offsets, clusters.Members, HeadFile.Checksum(weights), shape);
        const int Rows = 64;
        var hidden = new float[Rows * d];
        for (var r = 0; r < Rows; r++)
        {
            var centre = random.Next(k);
            for (var j = 0; j < d; j++)
            {
                hidden[r * d + j] = 4 * centres[centre * d + j] + scale * KMeansBenchmark.Gaussian(random);
            }
        }
        return (weights, v, d, head, hidden, Rows);
    }
}
