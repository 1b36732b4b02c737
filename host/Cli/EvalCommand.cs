using System.Globalization;
using Microsoft.Extensions.Options;
using Sieve.Abstractions;
using Sieve.Host.Bench;
using Sieve.Host.Configuration;
using Sieve.Host.Operators;
using Sieve.Host.Eval;
using Sieve.Host.Pipelines;
using Sieve.Host.Plugins;

namespace Sieve.Host.Cli;

/// <summary><c>sieve eval embed-fidelity [--densities 0.25,0.5,0.75] [--block-size 16] [--texts 200]</c>.</summary>
internal sealed class EvalCommand(CommandLine commandLine, IOptions<SieveOptions> options, ConfigPaths paths, PluginCatalog plugins, OperatorBinder operators,
    IServiceProvider services) : ISieveCommand
{
    public Task<int> ExecuteAsync(CancellationToken cancellation)
    {
        if (commandLine.Arguments is ["retrieval"])
        {
            return Task.FromResult(Retrieval());
        }
        if (commandLine.Arguments is ["lm"])
        {
            return Task.FromResult(LanguageModel());
        }
        if (commandLine.Arguments is not ["embed-fidelity"])
        {
            throw new SieveException("Usage: sieve eval embed-fidelity [--densities 0.25,0.5,0.75] [--block-size 16] [--texts 200] | " +
                "sieve eval retrieval [--collection DIR] [--docs N] [--queries N] [--head fused|dense] [--terms 32] [--query-terms 16[,8,...]] [--gpu-precision fp32|fp16] | " +
                "sieve eval lm [--model NAME] [--contexts 1024,4096] [--windows N] [--lengths 512,1024] [--per-cell N]. Evaluations: embed-fidelity, retrieval, lm.");
        }
        var settings = options.Value;
        var job = settings.Jobs.FirstOrDefault(j => string.Equals(j.Pipeline, PipelineCatalog.Embed, StringComparison.OrdinalIgnoreCase))
            ?? throw new SieveException("sieve eval embed-fidelity needs an embed job in the configuration (its model and input sentences are used).");
        var densities = commandLine.Flags.TryGetValue("--densities", out var text)
            ? text.Split(',').Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToList()
            : [0.25, 0.5, 0.75];
        var report = new EmbedFidelityEvaluation(settings, paths, plugins).Run(job.Model, paths.Resolve(job.Input), densities,
            commandLine.IntFlag("--block-size", 16), commandLine.IntFlag("--texts", 200));
        Console.Out.Write(report.Table());
        Console.Out.WriteLine(report.Json());
        return Task.FromResult(ExitCodes.Success);
    }

    private int Retrieval()
    {
        var settings = options.Value;
        var model = commandLine.Flags.GetValueOrDefault("--model") ?? settings.Models.Keys.FirstOrDefault()
            ?? throw new SieveException("sieve eval retrieval needs a model under Sieve:Models (a BERT-style encoder with its vocab.txt).");
        var collection = paths.Resolve(commandLine.Flags.GetValueOrDefault("--collection") ?? ".data/nave-web");
        var data = RetrievalDataLoader.Load(collection, commandLine.IntFlag("--docs", 0), commandLine.IntFlag("--queries", 0), Console.Error);
        var headOptions = new Dictionary<string, string>
        {
            ["TopK"] = commandLine.IntFlag("--terms", 32).ToString(CultureInfo.InvariantCulture),
            ["GpuPrecision"] = commandLine.Flags.GetValueOrDefault("--gpu-precision") ?? "fp32",
        };
        var report = new RetrievalEvaluation(settings, paths, plugins, services).Run(
            new RetrievalEvaluationSettings(data, model, commandLine.Flags.GetValueOrDefault("--head") ?? "fused", headOptions,
                commandLine.IntListFlag("--query-terms", [16])), Console.Error);
        Console.Out.Write(report.Table());
        Console.Out.WriteLine(report.Json());
        return ExitCodes.Success;
    }

    private int LanguageModel()
    {
        var settings = options.Value;
        var jobIndex = settings.Jobs.FindIndex(j => string.Equals(j.Pipeline, PipelineCatalog.Generate, StringComparison.OrdinalIgnoreCase));
        var modelName = commandLine.Flags.GetValueOrDefault("--model") ?? (jobIndex >= 0 ? settings.Jobs[jobIndex].Model : null)
            ?? throw new SieveException("sieve eval lm needs a generate job in the configuration or --model NAME (a causal LM under Sieve:Models).");
        if (!settings.Models.TryGetValue(modelName, out var modelOptions))
        {
            throw new SieveException($"--model {modelName} is not under Sieve:Models.");
        }
        var choices = operators.Bind(settings);
        var chosen = jobIndex >= 0 ? choices.ForJob(jobIndex) : choices.Global;
        var (model, tokenizer) = ConfiguredModels.LoadCausalLm(settings, paths, modelName, chosen, services);
        using (model)
        {
            var folder = Path.GetDirectoryName(paths.Resolve(modelOptions.Path))!;
            var evaluation = new LmEvaluation(model, tokenizer, new JobOperators(chosen, plugins, services).Create<IKvCache>());
            var contexts = commandLine.Flags.TryGetValue("--contexts", out var text)
                ? text.Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToList()
                : new List<int> { 1024, 4096, model.Context }.Where(c => c <= model.Context).Distinct().ToList();
            if (contexts.FirstOrDefault(c => c < 2 || c > model.Context) is var bad and > 0)
            {
                throw new SieveException($"--contexts {bad} is outside 2..{model.Context} (the model's context, Sieve:Models:{modelName}:MaxSequenceLength).");
            }
            var perplexity = evaluation.Perplexity(Path.Combine(folder, "eval", "heldout.u16.gz"), contexts, commandLine.IntFlag("--windows", 0), Console.Error);
            var lengths = commandLine.Flags.TryGetValue("--lengths", out var lengthText)
                ? lengthText.Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToList()
                : [];
            var passkey = evaluation.Passkey(Path.Combine(folder, "eval", "passkey.jsonl.gz"), commandLine.IntFlag("--per-cell", 0), lengths, Console.Error);
            var (claimedPerplexity, claimedPasskey) = LmManifest.Claims(Path.Combine(folder, "manifest.json"), passkey);
            var report = new LmReport(modelName, model.OperatorSummary, MachineDescription.Describe(), perplexity, passkey, claimedPerplexity, claimedPasskey);
            Console.Out.Write(report.Table());
            Console.Out.WriteLine(report.Json());
        }
        return ExitCodes.Success;
    }
}
