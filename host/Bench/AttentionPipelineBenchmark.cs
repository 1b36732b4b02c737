using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Sieve.Abstractions;
using Sieve.Host.Cli;
using Sieve.Host.Configuration;
using Sieve.Host.Eval;
using Sieve.Host.Operators;
using Sieve.Host.Pipelines;
using Sieve.Host.Plugins;

namespace Sieve.Host.Bench;

/// <summary>
/// The whole <c>embed</c> job with the model's own attention (ORT, which fuses it), <c>attention/dense</c> and
/// <c>attention/block-sparse</c>, on the shipped short sentences and on texts at the model's 512-token limit, in one
/// process. Variants alternate within each repeat; medians of records/s are reported.
/// </summary>
internal sealed class AttentionPipelineBenchmark(CommandLine commandLine, SieveOptions options, ConfigPaths paths, PluginCatalog plugins, ILogger logger)
{
    public void Run(TextWriter output, CancellationToken cancellation)
    {
        var job = options.Jobs.FirstOrDefault(j => string.Equals(j.Pipeline, PipelineCatalog.Embed, StringComparison.OrdinalIgnoreCase))
            ?? throw new SieveException("sieve bench attention needs an embed job in the configuration (its model and input are used).");
        var repeat = commandLine.IntFlag("--repeat", 3);
        var folder = Directory.CreateTempSubdirectory("sieve-bench-");
        try
        {
            var shortInput = Path.Combine(folder.FullName, "short.jsonl");
            EmbedBenchmark.WriteInput(paths.Resolve(job.Input), shortInput, commandLine.IntFlag("--records", 1024));
            var longInput = Path.Combine(folder.FullName, "long.jsonl");
            File.WriteAllLines(longInput, FidelitySet.Create(paths.Resolve(job.Input), 64, 60, 60, stride: 3)
                .Select((t, i) => JsonSerializer.Serialize(new { id = $"l{i}", text = t })));
            var variants = new (string Name, BoundOperator? Attention)[]
            {
                ("model's own (ORT)", null),
                ("attention/dense", OperatorBinder.Standalone(plugins, OperatorSlots.Attention, "dense", new Dictionary<string, string>())),
                ("attention/block-sparse, DenseBelow 0, density 0.5", plugins.Operators.Find(OperatorSlots.Attention, "block-sparse") is null ? null
                    : OperatorBinder.Standalone(plugins, OperatorSlots.Attention, "block-sparse", new Dictionary<string, string> { ["DenseBelow"] = "0", ["Density"] = "0.5" })),
            };
            output.WriteLine($"embed job, model {job.Model}, batch {job.BatchSize}, {repeat} alternating repeats after a warm-up (records/s, median)");
            foreach (var (label, input) in new[] { ("shipped sentences (short)", shortInput), ("64 texts of 512 tokens", longInput) })
            {
                var rates = variants.Select(_ => new List<double>()).ToArray();
                var pipelines = variants.Select(v => v.Name.StartsWith("attention/block", StringComparison.Ordinal) && v.Attention is null ? null : Load(job, v.Attention)).ToArray();
                try
                {
                    for (var r = 0; r <= repeat && !cancellation.IsCancellationRequested; r++)
                    {
                        for (var v = 0; v < variants.Length; v++)
                        {
                            if (pipelines[v] is { } pipeline)
                            {
                                var rate = EmbedBenchmark.RunJob(pipeline, input, Path.Combine(folder.FullName, $"out-{v}-{r}-{label.Length}.jsonl"), job.BatchSize, logger, cancellation);
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
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"    {variants[v].Name,-50} {median,8:F1} records/s  ({median / baseline * 100,5:F1}% of ORT)  runs: {string.Join(", ", rates[v].Select(x => x.ToString("F1", CultureInfo.InvariantCulture)))}"));
                }
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private EmbedPipeline Load(JobOptions job, BoundOperator? attention)
    {
        var (model, encoder) = PipelineCatalog.LoadEncoder(options, paths, job.Model, attention, EmptyServices.Instance);
        return new EmbedPipeline(model, encoder, model.OperatorSummary);
    }
}
