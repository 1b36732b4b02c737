using System.Globalization;
using Sieve.Abstractions;
using Sieve.Host.Cli;
using Sieve.Host.Configuration;
using Sieve.Host.Generation;
using Sieve.Host.Operators;
using Sieve.Host.Operators.KvCache;
using Sieve.Host.Pipelines;
using Sieve.Host.Plugins;
using Sieve.Tools.Eval;

namespace Sieve.Tools.Bench;

/// <summary>
/// <c>sieve bench generate</c>: prefill and decode tokens/s of the causal LM at several batch sizes, with the model's own
/// attention and with each substituted attention, in one process. Prompts are held-out text windows of a fixed length;
/// every sequence generates the same number of tokens (greedy, end-of-text ignored).
/// </summary>
internal sealed class GenerateBenchmark(CommandLine commandLine, SieveOptions options, ConfigPaths paths, PluginCatalog plugins)
{
    public void Run(TextWriter output, CancellationToken cancellation)
    {
        var jobIndex = options.Jobs.FindIndex(j => string.Equals(j.Pipeline, PipelineCatalog.Generate, StringComparison.OrdinalIgnoreCase));
        var modelName = commandLine.Value<string?>("--model") ?? (jobIndex >= 0 ? options.Jobs[jobIndex].Model : null)
            ?? throw new SieveException("sieve bench generate needs a generate job in the configuration or --model NAME.");
        var promptLengths = commandLine.Value<List<int>>("--lengths");
        var newTokens = commandLine.Value<int>("--new-tokens");
        var repeat = commandLine.Value<int>("--repeat");
        var batches = commandLine.Value<List<int>>("--batches");
        var configurations = AttentionConfiguration.Expand(commandLine.Value<string[]>("--attention") ?? [], commandLine.Value<string[]>("--selection") ?? []);
        var configured = jobIndex >= 0 && options.Jobs[jobIndex].Operators.TryGetValue("attention", out var own) ? own : options.Operators.GetValueOrDefault("attention");
        var sparseOptions = AttentionConfiguration.ConfiguredSparseOptions(configured);
        var folder = Path.GetDirectoryName(paths.Resolve(options.Models[modelName].Path))!;
        var heldOut = LmEvaluation.ReadTokens(Path.Combine(folder, "eval", "heldout.u16.gz"));

        output.WriteLine($"sieve bench generate: {modelName}, prompts of {string.Join(", ", promptLengths)} held-out tokens, {newTokens} new tokens each (greedy), median of {repeat}");
        output.WriteLine($"sparse options: {(sparseOptions.Count == 0 ? "the defaults" : string.Join(", ", sparseOptions.Select(o => $"{o.Key}={o.Value}")))}");
        output.WriteLine($"Machine: {MachineDescription.Describe()}");
        output.WriteLine();
        output.WriteLine("attention                 prompt  batch  prefill tokens/s  decode tokens/s");
        foreach (var configuration in configurations)
        {
            var bound = configuration.Attention == AttentionConfiguration.Model ? null
                : OperatorBinder.Standalone(plugins, "attention", configuration.Attention, configuration.Options(sparseOptions));
            var (model, tokenizer) = ConfiguredModels.LoadCausalLm(options, paths, modelName, bound is null ? [] : [bound], EmptyServices.Instance);
            using (model)
            {
                foreach (var promptLength in promptLengths)
                {
                    foreach (var batch in batches)
                    {
                        var requests = Enumerable.Range(0, batch).Select(row => new GenerationRequest(
                            [.. heldOut.AsSpan((row * promptLength) % (heldOut.Length - promptLength), promptLength).ToArray().Select(t => (int)t)],
                            newTokens, 0, 1, 0, [], [], StopAtEndOfText: false)).ToList();
                        var prefill = new List<double>();
                        var decode = new List<double>();
                        for (var i = 0; i <= repeat && !cancellation.IsCancellationRequested; i++)
                        {
                            var generator = new BatchGenerator(model, tokenizer, new DenseKvCache());
                            generator.Generate(requests);
                            if (i > 0)
                            {
                                prefill.Add(generator.Meter.PrefillTokensPerSecond);
                                decode.Add(generator.Meter.DecodeTokensPerSecond);
                            }
                        }
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{configuration,-24}  {promptLength,6}  {batch,5}  {Statistics.Median(prefill),16:F0}  {Statistics.Median(decode),15:F1}"));
                    }
                }
            }
        }
    }
}
