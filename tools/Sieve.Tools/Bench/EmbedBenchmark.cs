using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Sieve.Host.Cli;
using Sieve.Host.Configuration;
using Sieve.Host.Jobs;
using Sieve.Host.Onnx;
using Sieve.Host.Operators;
using Sieve.Host.Pipelines;

namespace Sieve.Tools.Bench;

/// <summary>
/// <c>sieve bench embed</c>: records/s of the whole <c>embed</c> job (read, tokenize, batch, run, pool, write) against
/// a bare loop of <c>InferenceSession.Run</c> over the same batches with inputs built beforehand (the limit). Both use
/// one session; runs alternate so that both see the same machine state; medians are reported.
/// </summary>
internal sealed class EmbedBenchmark(CommandLine commandLine, SieveOptions options, ConfigPaths paths, OperatorBinder operators, ILogger logger, IServiceProvider services)
{
    public int Run(CancellationToken cancellation)
    {
        var jobIndex = options.Jobs.FindIndex(j => string.Equals(j.Pipeline, PipelineCatalog.Embed, StringComparison.OrdinalIgnoreCase));
        if (jobIndex < 0)
        {
            throw new SieveException("sieve bench embed needs an embed job in the configuration (its model and input are used).");
        }
        var job = options.Jobs[jobIndex];
        var records = commandLine.Value<int>("--records");
        var batchSize = commandLine.Value<int?>("--batch-size") ?? job.BatchSize;
        var repeat = commandLine.Value<int>("--repeat");
        var folder = Directory.CreateTempSubdirectory("sieve-bench-");
        try
        {
            var input = Path.Combine(folder.FullName, "input.jsonl");
            WriteInput(paths.Resolve(job.Input), input, records);
            using var pipeline = (EmbedPipeline)PipelineCatalog.Create(jobIndex, options, paths, operators, services);
            var model = pipeline.Model;
            var batches = ReplayBatches(pipeline, input, batchSize);
            var tokens = batches.Sum(b => b.Sum(r => ((Host.Text.EncodedText)r.Work).Ids.Length));
            var prepared = batches.Select(b => model.CreateInputs(b.Select(r => (Host.Text.EncodedText)r.Work).ToList())).ToList();
            try
            {
                var host = new List<double>();
                var bare = new List<double>();
                for (var i = 0; i <= repeat && !cancellation.IsCancellationRequested; i++)
                {
                    var hostRate = RunHost(pipeline, input, Path.Combine(folder.FullName, $"out{i}.jsonl"), batchSize, cancellation);
                    var bareRate = RunBare(model, prepared, records);
                    if (i > 0)
                    {
                        host.Add(hostRate);
                        bare.Add(bareRate);
                    }
                }
                Print(job, records, batchSize, tokens, batches.Count, host, bare);
            }
            finally
            {
                prepared.ForEach(p => p.Dispose());
            }
            return ExitCodes.Success;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Writes <paramref name="records"/> records cycling through the texts of <paramref name="source"/>.</summary>
    public static void WriteInput(string source, string target, int records)
    {
        var texts = new List<string>();
        foreach (var line in JsonlInput.Read(source))
        {
            if (line.Record?.Body.TryGetProperty("text", out var text) == true && text.ValueKind == JsonValueKind.String)
            {
                texts.Add(text.GetString()!);
            }
        }
        if (texts.Count == 0)
        {
            throw new SieveException($"{source} has no {{\"id\", \"text\"}} records to benchmark with.");
        }
        using var writer = new StreamWriter(target);
        for (var i = 0; i < records; i++)
        {
            writer.WriteLine(JsonSerializer.Serialize(new { id = $"r{i}", text = texts[i % texts.Count] }));
        }
    }

    private static List<List<PreparedRecord>> ReplayBatches(EmbedPipeline pipeline, string input, int batchSize)
    {
        var batches = new List<List<PreparedRecord>>();
        var window = new List<PreparedRecord>();
        foreach (var line in JsonlInput.Read(input))
        {
            window.Add(pipeline.Prepare(line.Record!));
            if (window.Count == batchSize * BatchGrouping.WindowBatches)
            {
                batches.AddRange(BatchGrouping.Cut(window, batchSize));
                window.Clear();
            }
        }
        batches.AddRange(BatchGrouping.Cut(window, batchSize));
        return batches;
    }

    private double RunHost(EmbedPipeline pipeline, string input, string output, int batchSize, CancellationToken cancellation) =>
        RunJob(pipeline, input, output, batchSize, logger, cancellation);

    /// <summary>Runs the whole embed job once (fresh output) and returns records/s.</summary>
    public static double RunJob(EmbedPipeline pipeline, string input, string output, int batchSize, ILogger logger, CancellationToken cancellation)
    {
        var run = new JobRun("bench", input, "bench input", output, "bench output", batchSize, StopOnError: true, Shard.Whole);
        var report = new BatchJobRunner(logger).Run(run, pipeline, new LogJobProgress(logger, "bench", TimeSpan.FromDays(1)), cancellation);
        return report.Written / report.Elapsed.TotalSeconds;
    }

    private static double RunBare(SentenceEmbeddingModel model, List<BatchInputs> batches, int records)
    {
        var clock = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            using var outputs = model.Run(batch);
        }
        return records / clock.Elapsed.TotalSeconds;
    }

    private static void Print(JobOptions job, int records, int batchSize, long tokens, int batchCount, List<double> host, List<double> bare)
    {
        var hostMedian = Statistics.Median(host);
        var bareMedian = Statistics.Median(bare);
        var o = Console.Out;
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sieve bench embed: {records} records ({tokens} tokens, {batchCount} batches of up to {batchSize}), model {job.Model}, {host.Count} alternating runs after one warm-up"));
        o.WriteLine($"machine: {MachineDescription.Describe()}");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"host embed job   : median {hostMedian,8:F1} records/s   runs: {string.Join(", ", host.Select(r => r.ToString("F1", CultureInfo.InvariantCulture)))}"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bare session loop: median {bareMedian,8:F1} records/s   runs: {string.Join(", ", bare.Select(r => r.ToString("F1", CultureInfo.InvariantCulture)))}"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"host / bare: {hostMedian / bareMedian * 100:F1}% (target >= 95%)"));
    }
}
