using Sieve.Host.Configuration;

namespace Sieve.Host.Pipelines;

/// <summary><c>embed</c>: a sentence encoder's mean-pooled, normalized embeddings; no around-graph slot.</summary>
internal sealed class EmbedPipelineDefinition : IPipelineDefinition
{
    public string Name => PipelineCatalog.Embed;

    public bool LoadsModel(JobOptions job) => true;

    public IReadOnlyList<Type> AroundGraphSlots(JobOptions job) => [];

    public IJobPipeline Create(PipelineContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (model, encoder) = context.LoadEncoder();
        return new EmbedPipeline(model, encoder, model.OperatorSummary);
    }
}
