using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Sieve.Abstractions;
using Sieve.Host.Cli;
using Sieve.Host.Configuration;
using Sieve.Tools.Eval;
using Sieve.Host.Operators;
using Sieve.Host.Pipelines;
using Sieve.Host.Plugins;

namespace Sieve.Tools.Bench;

/// <summary>
/// The whole <c>embed</c> job with the model's own attention (ORT, which fuses it), <c>attention/dense</c> and
/// <c>attention/block-sparse</c>, on the shipped short sentences and on texts at the model's 512-token limit, in one
/// process. Variants alternate within each repeat; medians of records/s are reported.
/// </summary>
internal sealed class AttentionPipelineBenchmark(CommandLine commandLine, SieveOptions options, ConfigPaths paths, PluginCatalog plugins, ILogger logger,
    IServiceProvider services)
{
    public void Run(TextWriter output, CancellationToken cancellation)
    {
        var job = options.Jobs.FirstOrDefault(j => string.Equals(j.Pipeline, PipelineCatalog.Embed, StringComparison.OrdinalIgnoreCase))
            ?? throw new SieveException("sieve bench attention needs an embed job in the configuration (its model and input are used).");
        var repeat = commandLine.Value<int>("--repeat");
        var folder = Directory.CreateTempSubdirectory("sieve-bench-");
        try
        {
            var shortInput = Path.Combine(folder.FullName, "short.jsonl");
            EmbedBenchmark.WriteInput(paths.Resolve(job.Input), shortInput, commandLine.Value<int>("--records"));
            var longInput = Path.Combine(folder.FullName, "long.jsonl");
            File.WriteAllLines(longInput, FidelitySet.Create(paths.Resolve(job.Input), 64, 60, 60, stride: 3)
                .Select((t, i) => JsonSerializer.Serialize(new { id = $"l{i}", text = t })));
            var variants = new (string Name, BoundOperator? Attention)[]
            {
                ("model's own (ORT)", null),
                ("attention/dense", OperatorBinder.Standalone<IAttention>(plugins, "dense")),
                // compressed-tile: the selection the GPU kernels run (CUDA refuses the per-query ones), so CPU and CUDA records compare.
                ("attention/block-sparse, DenseBelow 0, density 0.5", !OperatorBinder.Has<IAttention>(plugins, "block-sparse") ? null
                    : OperatorBinder.Standalone<IAttention>(plugins, "block-sparse",
                        new Dictionary<string, string> { ["DenseBelow"] = "0", ["Density"] = "0.5", ["Selection"] = "compressed-tile" })),
            };
            var device = services.GetService(typeof(Host.Device.ExecutionDevice)) as Host.Device.ExecutionDevice;
            if (commandLine.Value<string[]>("--attention") is { Length: > 0 } wanted)
            {
                // model, dense, block-sparse: the variants to run (the first one listed is the |Δ| baseline).
                variants = variants.Where(v => wanted.Any(w => w == "model" ? v.Attention is null && v.Name.StartsWith("model", StringComparison.Ordinal)
                    : v.Name.StartsWith("attention/" + w, StringComparison.Ordinal))).ToArray();
            }
            output.WriteLine($"embed job, model {job.Model}, batch {job.BatchSize}, {repeat} alternating repeats after a warm-up (records/s, median); " +
                $"device {device?.Description ?? "cpu"}");
            foreach (var (label, input) in new[] { ("shipped sentences (short)", shortInput), ("64 texts of 512 tokens", longInput) })
            {
                var rates = variants.Select(_ => new List<double>()).ToArray();
                var pipelines = variants.Select(v => v.Name.StartsWith("attention/block", StringComparison.Ordinal) && v.Attention is null ? null : TryLoad(job, v, output)).ToArray();
                var lastOutputs = new string?[variants.Length];
                try
                {
                    for (var r = 0; r <= repeat && !cancellation.IsCancellationRequested; r++)
                    {
                        for (var v = 0; v < variants.Length; v++)
                        {
                            if (pipelines[v] is { } pipeline)
                            {
                                var file = lastOutputs[v] = Path.Combine(folder.FullName, $"out-{v}-{r}-{label.Length}.jsonl");
                                var rate = EmbedBenchmark.RunJob(pipeline, input, file, job.BatchSize, logger, cancellation);
                                if (r > 0)
                                {
                                    rates[v].Add(rate);
                                }
                            }
                        }
                    }
                }
                finally
                {
                    foreach (var pipeline in pipelines)
                    {
                        pipeline?.Dispose();
                    }
                }
                output.WriteLine($"  {label}:");
                var baseline = Statistics.Median(rates[0]);
                for (var v = 0; v < variants.Length; v++)
                {
                    var median = Statistics.Median(rates[v]);
                    if (rates[v].Count == 0)
                    {
                        continue;
                    }
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"    {variants[v].Name,-50} {median,8:F1} records/s  ({median / baseline * 100,5:F1}% of ORT)  max |Δ| vs ORT {MaxDifference(lastOutputs[0], lastOutputs[v]),9:G3}  runs: {string.Join(", ", rates[v].Select(x => x.ToString("F1", CultureInfo.InvariantCulture)))}"));
                }
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Loads a variant, or says why it cannot run here and leaves it out.</summary>
    private EmbedPipeline? TryLoad(JobOptions job, (string Name, BoundOperator? Attention) variant, TextWriter output)
    {
        try
        {
            return Load(job, variant.Attention);
        }
        catch (SieveException refused)
        {
            output.WriteLine($"    {variant.Name}: not run: {refused.Message}");
            return null;
        }
    }

    /// <summary>The largest element difference between the embeddings two runs wrote (records matched by id).</summary>
    private static double MaxDifference(string? expectedFile, string? actualFile)
    {
        if (expectedFile is null || actualFile is null || !File.Exists(expectedFile) || !File.Exists(actualFile))
        {
            return double.NaN;
        }
        static Dictionary<string, float[]> Read(string file) => File.ReadLines(file)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToDictionary(e => e.GetProperty("id").GetString()!, e => e.GetProperty("embedding").EnumerateArray().Select(x => x.GetSingle()).ToArray());
        var expected = Read(expectedFile);
        var actual = Read(actualFile);
        if (expected.Count != actual.Count)
        {
            return double.PositiveInfinity;
        }
        var worst = 0.0;
        foreach (var (id, vector) in expected)
        {
            if (!actual.TryGetValue(id, out var other))
            {
                return double.PositiveInfinity;
            }
            for (var i = 0; i < vector.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(vector[i] - other[i]));
            }
        }
        return worst;
    }

    private EmbedPipeline Load(JobOptions job, BoundOperator? attention)
    {
        var (model, encoder) = ConfiguredModels.LoadEncoder(options, paths, job.Model, attention is null ? [] : [attention], services);
        return new EmbedPipeline(model, encoder, model.OperatorSummary);
    }
}
