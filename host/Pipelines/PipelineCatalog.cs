using Sieve.Abstractions;
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
    public static IJobPipeline Create(int jobIndex, SieveOptions options, ConfigPaths paths, OperatorBinder operators, IServiceProvider services)
    {
        var job = options.Jobs[jobIndex];
        var key = $"Sieve:Jobs:{jobIndex}";
        var chosen = operators.Bind(jobIndex);
        var unused = chosen.Where(c => c.Implementation.Slot != OperatorSlots.Attention).ToList();
        if (unused.Count > 0)
        {
            throw new SieveException($"Job {job.Name} ({key}) selects {string.Join(", ", unused)}, but the {job.Pipeline} pipeline " +
                $"uses only the {OperatorSlots.Attention} slot; remove the selection or pick a pipeline that uses it.");
        }
        var attention = chosen.FirstOrDefault(c => c.Implementation.Slot == OperatorSlots.Attention);
        var (model, encoder) = LoadEncoder(options, paths, job.Model, attention, services);
        var summary = model.OperatorSummary;
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

    /// <summary>Loads a configured sentence encoder and its tokenizer, with <paramref name="attention"/> substituted if given.</summary>
    public static (SentenceEmbeddingModel Model, BertTextEncoder Encoder) LoadEncoder(SieveOptions options, ConfigPaths paths, string modelName,
        BoundOperator? attention = null, IServiceProvider? services = null)
    {
        var model = options.Models[modelName];
        var key = $"Sieve:Models:{modelName}";
        if (string.IsNullOrWhiteSpace(model.Tokenizer))
        {
            throw new SieveException($"{key}:Tokenizer is empty: text pipelines need the model's vocabulary (vocab.txt).");
        }
        var encoder = BertTextEncoder.Load(paths.Resolve(model.Tokenizer), model.MaxSequenceLength, $"{key}:Tokenizer");
        var modelPath = paths.Resolve(model.Path);
        var session = ModelSessionFactory.Create(modelPath, $"{key}:Path", attention, services ?? EmptyServices.Instance);
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
