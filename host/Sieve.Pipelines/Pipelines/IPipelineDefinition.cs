using Sieve.Host.Configuration;

namespace Sieve.Host.Pipelines;

/// <summary>
/// One pipeline a job can name: which slots it uses and how it is built. A pipeline that loads a model uses every
/// in-graph slot (the passes rewrite whatever model it loads); the slots it calls around the graph it lists itself.
/// </summary>
internal interface IPipelineDefinition
{
    /// <summary>The name jobs use (<c>Sieve:Jobs:&lt;i&gt;:Pipeline</c>).</summary>
    string Name { get; }

    /// <summary>Whether the job loads a model (so in-graph slots apply).</summary>
    bool LoadsModel(JobOptions job);

    /// <summary>The contracts of the around-graph slots the job calls.</summary>
    IReadOnlyList<Type> AroundGraphSlots(JobOptions job);

    /// <summary>Builds the job's pipeline: loads its model and its operators.</summary>
    /// <exception cref="SieveException">A file is missing or bad, or an operator refuses the model.</exception>
    IJobPipeline Create(PipelineContext context);
}
