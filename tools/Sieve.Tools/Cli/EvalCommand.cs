using System.Globalization;
using Microsoft.Extensions.Options;
using Sieve.Abstractions;
using Sieve.Tools.Bench;
using Sieve.Host.Cli;
using Sieve.Host.Configuration;
using Sieve.Host.Operators;
using Sieve.Tools.Eval;
using Sieve.Host.Pipelines;
using Sieve.Host.Plugins;
using Sieve.Host.Generation;

namespace Sieve.Tools.Cli;

/// <summary><c>sieve eval KIND</c>: embed-fidelity, retrieval, lm (their options: EvalVerb).</summary>
internal sealed class EvalCommand(CommandLine commandLine, IOptions<SieveOptions> options, ConfigPaths paths, PluginCatalog plugins, OperatorBinder operators,
    IServiceProvider services) : ISieveCommand
{
    public Task<int> ExecuteAsync(CancellationToken cancellation)
    {
        return commandLine.Kind switch
        {
            "embed-fidelity" => Task.FromResult(EmbedFidelity()),
            "retrieval" => Task.FromResult(Retrieval()),
            "lm" => Task.FromResult(LanguageModel()),
            "lm-head" => Task.FromResult(LmHead()),
            _ => throw new SieveException($"Unknown evaluation '{commandLine.Kind}'. Evaluations: {string.Join(", ", EvalVerb.Kinds)}."),
        };
    }

    private int EmbedFidelity()
    {
        var settings = options.Value;
        var job = settings.Jobs.FirstOrDefault(j => string.Equals(j.Pipeline, PipelineCatalog.Embed, StringComparison.OrdinalIgnoreCase))
            ?? throw new SieveException("sieve eval embed-fidelity needs an embed job in the configuration (its model and input sentences are used).");
        var report = new EmbedFidelityEvaluation(settings, paths, plugins).Run(job.Model, paths.Resolve(job.Input), commandLine.Value<List<double>>("--densities"),
            commandLine.Value<int>("--block-size"), commandLine.Value<int>("--texts"));
        Console.Out.Write(report.Table());
        Console.Out.WriteLine(report.Json());
        return ExitCodes.Success;
    }

    private int Retrieval()
    {
        var settings = options.Value;
        var model = commandLine.Value<string?>("--model") ?? settings.Models.Keys.FirstOrDefault()
            ?? throw new SieveException("sieve eval retrieval needs a model under Sieve:Models (a BERT-style encoder with its vocab.txt).");
        var collection = paths.Resolve(commandLine.Value<string>("--collection"));
        var data = RetrievalDataLoader.Load(collection, commandLine.Value<int?>("--docs") ?? 0, commandLine.Value<int?>("--queries") ?? 0, Console.Error);
        var headOptions = new Dictionary<string, string>
        {
            ["TopK"] = commandLine.Value<int>("--terms").ToString(CultureInfo.InvariantCulture),
            ["GpuPrecision"] = commandLine.Value<string>("--gpu-precision"),
        };
        var report = new RetrievalEvaluation(settings, paths, plugins, services).Run(
            new RetrievalEvaluationSettings(data, model, commandLine.Value<string>("--head"), headOptions,
                commandLine.Value<List<int>>("--query-terms")), Console.Error);
        Console.Out.Write(report.Table());
        Console.Out.WriteLine(report.Json());
        return ExitCodes.Success;
    }

    private int LanguageModel()
    {
        var settings = options.Value;
        var jobIndex = settings.Jobs.FindIndex(j => string.Equals(j.Pipeline, PipelineCatalog.Generate, StringComparison.OrdinalIgnoreCase));
        var modelName = commandLine.Value<string?>("--model") ?? (jobIndex >= 0 ? settings.Jobs[jobIndex].Model : null)
            ?? throw new SieveException("sieve eval lm needs a generate job in the configuration or --model NAME (a causal LM under Sieve:Models).");
        if (!settings.Models.TryGetValue(modelName, out var modelOptions))
        {
            throw new SieveException($"--model {modelName} is not under Sieve:Models.");
        }
        var choices = operators.Bind(settings);
        var chosen = jobIndex >= 0 ? choices.ForJob(jobIndex) : choices.Global;
        var folder = Path.GetDirectoryName(paths.Resolve(modelOptions.Path))!;
        var attentions = commandLine.Value<string[]>("--attention") ?? [];
        var selections = commandLine.Value<string[]>("--selection") ?? [];
        if (attentions.Length > 0 || selections.Length > 0)
        {
            return CompareAttention(modelName, folder, chosen, AttentionConfiguration.Expand(attentions, selections),
                jobIndex >= 0 && settings.Jobs[jobIndex].Operators.TryGetValue("attention", out var own) ? own : settings.Operators.GetValueOrDefault("attention"));
        }
        var (model, tokenizer) = ConfiguredModels.LoadCausalLm(settings, paths, modelName, chosen, services);
        using (model)
        {
            var (report, _, _, _, _) = Evaluate(modelName, folder, model, tokenizer, chosen, listener: null);
            Console.Out.Write(report.Table());
            Console.Out.WriteLine(report.Json());
        }
        return ExitCodes.Success;
    }

    /// <summary><c>sieve eval lm-head</c>: the model twice (its own graph for the dense head; cut for the clustered one).</summary>
    private int LmHead()
    {
        var settings = options.Value;
        var jobIndex = settings.Jobs.FindIndex(j => string.Equals(j.Pipeline, PipelineCatalog.Generate, StringComparison.OrdinalIgnoreCase));
        var modelName = commandLine.Value<string?>("--model") ?? (jobIndex >= 0 ? settings.Jobs[jobIndex].Model : null)
            ?? throw new SieveException("sieve eval lm-head needs a generate job in the configuration or --model NAME (a causal LM under Sieve:Models).");
        if (!settings.Models.TryGetValue(modelName, out var modelOptions))
        {
            throw new SieveException($"--model {modelName} is not under Sieve:Models.");
        }
        var headPath = Path.GetFullPath(commandLine.Value<string?>("--head-file")
            ?? throw new SieveException("sieve eval lm-head needs --head-file FILE (write one with `sieve cluster-head MODEL --clusters K --out FILE`)."));
        if (!File.Exists(headPath))
        {
            throw new SieveException($"--head-file {headPath} does not exist (write it with `sieve cluster-head {modelName} --clusters K --out {headPath}`).");
        }
        var head = Sieve.Plugins.Heads.LmHead.HeadFile.Read(headPath);
        var folder = Path.GetDirectoryName(paths.Resolve(modelOptions.Path))!;
        var cut = new Sieve.Host.Onnx.Passes.LmHead.OutputProjectionCut();
        var (dense, tokenizer) = ConfiguredModels.LoadCausalLm(settings, paths, modelName, [], services);
        using (dense)
        {
            var (clustered, _) = ConfiguredModels.LoadCausalLm(settings, paths, modelName, [], services, cut);
            using (clustered)
            {
                var context = commandLine.Value<int>("--context");
                var tokens = LmEvaluation.ReadTokens(Path.Combine(folder, "eval", "heldout.u16.gz"));
                var windows = Math.Min(commandLine.Value<int>("--windows"), (tokens.Length - 1) / context);
                if (context < 2 || context > clustered.Context)
                {
                    throw new SieveException($"--context {context} is outside 2..{clustered.Context} (Sieve:Models:{modelName}:MaxSequenceLength).");
                }
                var (prompts, promptLength, newTokens) = (commandLine.Value<int>("--prompts"), commandLine.Value<int>("--prompt-length"), commandLine.Value<int>("--new-tokens"));
                var evaluation = new LmHeadEvaluation(dense, clustered, tokenizer, new Sieve.Host.Operators.KvCache.DenseKvCache(), head, headPath);
                IReadOnlyList<LmHeadProbeResult> probes;
                try
                {
                    probes = evaluation.Run(tokens, context, windows, commandLine.Value<List<int>>("--probes"), prompts, promptLength, newTokens, Console.Error);
                }
                catch (InvalidOperationException refused)
                {
                    // The head's own refusal (a Probe above K, a head file for another model): a bad option, not an internal error.
                    throw new SieveException($"sieve eval lm-head --probes / --head-file: {refused.Message}", refused);
                }
                var report = new LmHeadReport(modelName, headPath, head.Vocabulary, head.Clusters, head.LargestCluster, MachineDescription.Describe(), context,
                    evaluation.Positions, evaluation.DensePerplexity, prompts, newTokens, probes);
                Console.Out.Write(report.Table());
                Console.Out.WriteLine(report.Json());
            }
        }
        return ExitCodes.Success;
    }

    /// <summary>One evaluation of a loaded model: perplexity, then pass key, with what block-sparse measured in each.</summary>
    private (LmReport Report, SelectionFigures Perplexity, SelectionFigures PasskeyPrefill, SelectionFigures PasskeyDecode,
        IReadOnlyDictionary<int, SelectionFigures> DecodeByLayer) Evaluate(string modelName, string folder, CausalLm model,
        LmTokenizer tokenizer, IReadOnlyList<BoundOperator> chosen, BlockSparseListener? listener)
    {
        var evaluation = new LmEvaluation(model, tokenizer, new JobOperators(chosen, plugins, services).Create<IKvCache>());
        var contexts = commandLine.Value<List<int>>("--contexts") is { Count: > 0 } given
            ? given
            : new List<int> { 1024, 4096, model.Context }.Where(c => c <= model.Context).Distinct().ToList();
        if (contexts.FirstOrDefault(c => c < 2 || c > model.Context) is var bad and > 0)
        {
            throw new SieveException($"--contexts {bad} is outside 2..{model.Context} (the model's context, Sieve:Models:{modelName}:MaxSequenceLength).");
        }
        listener?.Take();
        var perplexity = evaluation.Perplexity(Path.Combine(folder, "eval", "heldout.u16.gz"), contexts, commandLine.Value<int?>("--windows") ?? 0, Console.Error);
        var perplexityFigures = listener?.Take().All;
        var lengths = commandLine.Value<List<int>>("--lengths");
        var passkey = evaluation.Passkey(Path.Combine(folder, "eval", "passkey.jsonl.gz"), commandLine.Value<int?>("--per-cell") ?? 0, lengths, Console.Error);
        var passkeyFigures = listener?.Take();
        var (claimedPerplexity, claimedPasskey) = LmManifest.Claims(Path.Combine(folder, "manifest.json"), passkey);
        var report = new LmReport(modelName, model.OperatorSummary, MachineDescription.Describe(), perplexity, passkey, claimedPerplexity, claimedPasskey);
        var none = new SelectionFigures(0, 0, 0, 0, 0, 0, 0);
        return (report, perplexityFigures ?? none, passkeyFigures?.Prefill ?? none, passkeyFigures?.Decode ?? none,
            passkeyFigures?.DecodeByLayer ?? new Dictionary<int, SelectionFigures>());
    }

    /// <summary>
    /// <c>--attention</c> / <c>--selection</c>: the model once per configuration (the model's own graph, attention/dense,
    /// attention/block-sparse per selection with the configured block-sparse options), then one comparison table.
    /// </summary>
    private int CompareAttention(string modelName, string folder, IReadOnlyList<BoundOperator> chosen, IReadOnlyList<AttentionConfiguration> configurations,
        OperatorSelection? configured)
    {
        var settings = options.Value;
        var others = chosen.Where(c => c.Slot.Name != "attention").ToList();
        // Block-sparse and layer-reuse keep the options configured for them (--set Sieve:Operators:attention:Options:...), with the selection replaced.
        var sparseOptions = AttentionConfiguration.ConfiguredSparseOptions(configured);
        using var listener = new BlockSparseListener();
        var results = new List<LmConfigurationResult>();
        foreach (var configuration in configurations)
        {
            var operatorsOfRun = new List<BoundOperator>(others);
            if (configuration.Attention != AttentionConfiguration.Model)
            {
                var attentionOptions = configuration.Options(sparseOptions);
                operatorsOfRun.Add(OperatorBinder.Standalone(plugins, "attention", configuration.Attention, attentionOptions));
            }
            Console.Error.WriteLine($"== {configuration}");
            var (model, tokenizer) = ConfiguredModels.LoadCausalLm(settings, paths, modelName, operatorsOfRun, services);
            using (model)
            {
                var (report, perplexity, prefill, decode, byLayer) = Evaluate(modelName, folder, model, tokenizer, operatorsOfRun, listener);
                results.Add(new LmConfigurationResult(configuration, report, perplexity, prefill, decode, byLayer));
                Console.Out.Write(report.Table());
                Console.Out.WriteLine();
            }
        }
        var summary = new LmComparisonReport(modelName, string.Join(", ", sparseOptions.Select(o => $"{o.Key}={o.Value}")), MachineDescription.Describe(), results);
        Console.Out.Write(summary.Table());
        Console.Out.WriteLine(summary.Json());
        return ExitCodes.Success;
    }
}
