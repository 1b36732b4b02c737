using Sieve.Abstractions;
using Sieve.Host.Configuration;
using Sieve.Host.Generation;

namespace Sieve.Host.Pipelines;

/// <summary><c>generate</c>: a causal LM decoding batches of prompts with the <c>kv-cache</c> slot's cache.</summary>
internal sealed class GeneratePipelineDefinition : IPipelineDefinition
{
    public string Name => PipelineCatalog.Generate;

    public bool LoadsModel(JobOptions job) => true;

    public IReadOnlyList<Type> AroundGraphSlots(JobOptions job) => [typeof(IKvCache)];

    public IJobPipeline Create(PipelineContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var job = context.Job;
        var (model, tokenizer) = ConfiguredModels.LoadCausalLm(context.Options, context.Paths, job.Model, context.Operators.Chosen, context.Services);
        try
        {
            var generator = new BatchGenerator(model, tokenizer, context.Operators.Create<IKvCache>());
            return new GeneratePipeline(model, tokenizer, generator, new GenerationDefaults(job.MaxNewTokens, job.Temperature, job.TopP, job.Seed),
                context.Operators.Describe<IKvCache>());
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
