using Sieve.Abstractions;
using Sieve.Host.Configuration;
using Sieve.Host.Generation;
using Sieve.Host.Onnx.Passes.LmHead;

namespace Sieve.Host.Pipelines;

/// <summary>
/// <c>generate</c>: a causal LM decoding batches of prompts with the <c>kv-cache</c> slot's cache and the <c>lm-head</c>
/// slot's head (a head that reads the hidden state has the model loaded without its output projection).
/// </summary>
internal sealed class GeneratePipelineDefinition : IPipelineDefinition
{
    public string Name => PipelineCatalog.Generate;

    public bool LoadsModel(JobOptions job) => true;

    public IReadOnlyList<Type> AroundGraphSlots(JobOptions job) => [typeof(IKvCache), typeof(ILmHead)];

    public IJobPipeline Create(PipelineContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var job = context.Job;
        var head = context.Operators.Create<ILmHead>();
        var cut = head.ReadsHiddenState ? new OutputProjectionCut() : null;
        var (model, tokenizer) = ConfiguredModels.LoadCausalLm(context.Options, context.Paths, job.Model, context.Operators.Chosen, context.Services, cut);
        ILmHeadScorer? scorer = null;
        try
        {
            scorer = head.Bind(model.Embedding);
            var generator = new BatchGenerator(model, tokenizer, context.Operators.Create<IKvCache>(), head: scorer);
            return new GeneratePipeline(model, tokenizer, generator, new GenerationDefaults(job.MaxNewTokens, job.Temperature, job.TopP, job.Seed),
                $"{context.Operators.Describe<IKvCache>()}, {context.Operators.Describe<ILmHead>()}", scorer);
        }
        catch (InvalidOperationException refused)
        {
            scorer?.Dispose();
            model.Dispose();
            throw new SieveException($"{context.Key}: {context.Operators.Describe<ILmHead>()} refuses model {job.Model}: {refused.Message}", refused);
        }
        catch
        {
            scorer?.Dispose();
            model.Dispose();
            throw;
        }
    }
}
