using Sieve.Host.Configuration;
using Sieve.Host.Onnx;
using Sieve.Host.Operators;
using Sieve.Host.Text;

namespace Sieve.Host.Pipelines;

/// <summary>The pipelines a job can name, and how each is built from its settings.</summary>
internal static class PipelineCatalog
{
    public const string Embed = "embed";
    public const string Search = "search";

    public static readonly IReadOnlyList<string> Names = [Embed, Search];

    /// <summary>Builds job <paramref name="jobIndex"/>'s pipeline: loads its model and checks its operator choices.</summary>
    /// <exception cref="SieveException">A file is missing or bad, or an operator is chosen that the pipeline cannot use.</exception>
    public static IJobPipeline Create(int jobIndex, SieveOptions options, ConfigPaths paths, OperatorBinder operators)
    {
        var job = options.Jobs[jobIndex];
        var key = $"Sieve:Jobs:{jobIndex}";
        var chosen = operators.Bind(jobIndex);
        if (chosen.Count > 0)
        {
            throw new SieveException($"Job {job.Name} ({key}) selects {string.Join(", ", chosen)}, but the {job.Pipeline} pipeline " +
                "runs the model's own graph and uses no operator slot yet; remove the selection or pick a pipeline that uses it.");
        }
        const string summary = "model's own graph (no slot substituted)";
        var (model, encoder) = LoadEncoder(options, paths, job.Model);
        try
        {
            if (string.Equals(job.Pipeline, Embed, StringComparison.OrdinalIgnoreCase))
            {
                return new EmbedPipeline(model, encoder, summary);
            }
            var (ids, matrix, dimensions) = EmbeddingsFile.Read(paths.Resolve(job.Corpus!), $"{key}:Corpus");
            var documents = job.Documents is null ? [] : SearchPipeline.ReadDocumentText(paths.Resolve(job.Documents));
            return new SearchPipeline(model, encoder, new ExactDenseIndex(ids, matrix, dimensions), job.TopK, job.PrintHits, documents, summary);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Loads a configured sentence encoder and its tokenizer.</summary>
    public static (SentenceEmbeddingModel Model, BertTextEncoder Encoder) LoadEncoder(SieveOptions options, ConfigPaths paths, string modelName)
    {
        var model = options.Models[modelName];
        var key = $"Sieve:Models:{modelName}";
        if (string.IsNullOrWhiteSpace(model.Tokenizer))
        {
            throw new SieveException($"{key}:Tokenizer is empty: text pipelines need the model's vocabulary (vocab.txt).");
        }
        var encoder = BertTextEncoder.Load(paths.Resolve(model.Tokenizer), model.MaxSequenceLength, $"{key}:Tokenizer");
        var modelPath = paths.Resolve(model.Path);
        var session = OnnxSessionFactory.Create(modelPath, $"{key}:Path");
        try
        {
            return (new SentenceEmbeddingModel(session, modelPath), encoder);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }
}
