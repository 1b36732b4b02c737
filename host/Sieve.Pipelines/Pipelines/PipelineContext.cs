using Sieve.Host.Configuration;

namespace Sieve.Host.Pipelines;

/// <summary>What a pipeline is built from: its job's settings, the paths, its operators and the host's services.</summary>
internal sealed record PipelineContext(JobOptions Job, string Key, SieveOptions Options, ConfigPaths Paths, JobOperators Operators, IServiceProvider Services)
{
    /// <summary>Loads the job's model as a sentence encoder, with the job's in-graph operators.</summary>
    public (Onnx.SentenceEmbeddingModel Model, Text.BertTextEncoder Encoder) LoadEncoder() =>
        ConfiguredModels.LoadEncoder(Options, Paths, Job.Model, Operators.Chosen, Services);
}
