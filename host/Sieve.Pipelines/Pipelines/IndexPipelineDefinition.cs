using Sieve.Abstractions;
using Sieve.Host.Configuration;

namespace Sieve.Host.Pipelines;

/// <summary><c>index</c>: sparse vectors of the documents (<c>lexical-head</c>), then the inverted index (<c>sparse-index</c>).</summary>
internal sealed class IndexPipelineDefinition : IPipelineDefinition
{
    public string Name => PipelineCatalog.Index;

    public bool LoadsModel(JobOptions job) => true;

    public IReadOnlyList<Type> AroundGraphSlots(JobOptions job) => [typeof(ILexicalHead), typeof(ISparseIndex)];

    public IJobPipeline Create(PipelineContext context)
    {
        var parts = SparseRetrievalParts.Load(context);
        return new IndexPipeline(parts.Lexical, parts.Encoder, parts.Index, parts.IndexPath, parts.Summary);
    }
}
