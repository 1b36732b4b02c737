using Sieve.Abstractions;
using Sieve.Host.Configuration;
using Sieve.Host.Onnx;
using Sieve.Host.Generation;
using Sieve.Host.Operators;
using Sieve.Host.Operators.KvCache;
using Sieve.Host.Retrieval;
using Sieve.Host.Text;

namespace Sieve.Host.Pipelines;

/// <summary>The pipelines a job can name, and how each is built from its settings.</summary>
internal static class PipelineCatalog
{
    public const string Embed = "embed";
    public const string Search = "search";
    public const string Index = "index";
    public const string Generate = "generate";

    public static readonly IReadOnlyList<string> Names = [Embed, Search, Index, Generate];

    /// <summary>Builds job <paramref name="jobIndex"/>'s pipeline: loads its model and checks its operator choices.</summary>
    /// <exception cref="SieveException">A file is missing or bad, or an operator is chosen that the pipeline cannot use.</exception>
    public static IJobPipeline Create(int jobIndex, SieveOptions options, ConfigPaths paths, OperatorBinder operators, IServiceProvider services)
    {
        var job = options.Jobs[jobIndex];
        var key = $"Sieve:Jobs:{jobIndex}";
        var usable = UsableSlots(job);
        // A global selection serves the jobs whose pipeline uses its slot; a job's own selection must be usable there.
        var chosen = operators.Bind(jobIndex).Where(c => !c.Global || usable.Contains(c.Implementation.Slot)).ToList();
        var unused = chosen.Where(c => !usable.Contains(c.Implementation.Slot)).ToList();
        if (unused.Count > 0)
        {
            throw new SieveException($"Job {job.Name} ({key}) selects {string.Join(", ", unused)}, but the {job.Pipeline} pipeline " +
                $"uses only {(usable.Count == 0 ? "no slot" : "the " + string.Join(", ", usable) + " slots")}; remove the selection or pick a pipeline that uses it.");
        }
        BoundOperator? Chosen(string slot) => chosen.FirstOrDefault(c => c.Implementation.Slot == slot);
        if (string.Equals(job.Pipeline, Generate, StringComparison.OrdinalIgnoreCase))
        {
            return CreateGenerate(job, options, paths, Chosen(OperatorSlots.Attention), Chosen(OperatorSlots.KvCache), services);
        }
        if (IsRetriever(job, Retrievers.Bm25))
        {
            var documents = paths.Resolve(job.Corpus!);
            return new SearchPipeline(new Bm25Retriever(Bm25Index.Build(DocumentsFile.Read(documents, $"{key}:Corpus"))), job.TopK, job.PrintHits,
                SearchPipeline.ReadDocumentText(documents), "bm25 (Lucene.Net)");
        }
        var (model, encoder) = LoadEncoder(options, paths, job.Model, Chosen(OperatorSlots.Attention), services);
        var summary = model.OperatorSummary;
        try
        {
            if (string.Equals(job.Pipeline, Embed, StringComparison.OrdinalIgnoreCase))
            {
                return new EmbedPipeline(model, encoder, summary);
            }
            var documentText = job.Documents is null ? [] : SearchPipeline.ReadDocumentText(paths.Resolve(job.Documents));
            if (!string.Equals(job.Pipeline, Index, StringComparison.OrdinalIgnoreCase) && !IsRetriever(job, Retrievers.Sparse))
            {
                var (ids, matrix, dimensions) = EmbeddingsFile.Read(paths.Resolve(job.Corpus!), $"{key}:Corpus");
                return new SearchPipeline(new DenseRetriever(model, encoder, new ExactDenseIndex(ids, matrix, dimensions)), job.TopK, job.PrintHits, documentText, summary);
            }
            var headChoice = Chosen(OperatorSlots.LexicalHead) ?? throw Missing(job, key, OperatorSlots.LexicalHead, "fused");
            var indexChoice = Chosen(OperatorSlots.SparseIndex) ?? throw Missing(job, key, OperatorSlots.SparseIndex, "inverted");
            var modelOptions = options.Models[job.Model];
            var lexical = LexicalTextModel.Create(model, paths.Resolve(modelOptions.Path), paths.Resolve(modelOptions.Tokenizer!),
                (ILexicalHead)headChoice.Create(services), headChoice.Implementation.FullName);
            model = null!; // owned by the lexical model from here
            var sparseIndex = (ISparseIndex)indexChoice.Create(services);
            summary = $"{summary}, {headChoice}, {indexChoice}";
            var indexPath = paths.Resolve(job.Index!);
            try
            {
                if (string.Equals(job.Pipeline, Index, StringComparison.OrdinalIgnoreCase))
                {
                    return new IndexPipeline(lexical, encoder, sparseIndex, indexPath, summary);
                }
                var reader = OpenIndex(sparseIndex, indexPath, lexical.Origin, $"{key}:Index");
                return new SearchPipeline(new SparseRetriever(lexical, encoder, reader, new FileInfo(indexPath).Length, $"sparse ({headChoice}, {indexChoice})", job.QueryTerms),
                    job.TopK, job.PrintHits, documentText, summary);
            }
            catch
            {
                lexical.Dispose();
                throw;
            }
        }
        catch
        {
            model?.Dispose();
            throw;
        }
    }

    /// <summary>Opens an inverted index, turning a refused file into a message that names the setting.</summary>
    public static ISparseIndexReader OpenIndex(ISparseIndex index, string path, string origin, string setting)
    {
        if (!File.Exists(path))
        {
            throw new SieveException($"Index {path} ({setting}) does not exist: run the index job that writes it first.");
        }
        try
        {
            return index.Open(path, origin);
        }
        catch (InvalidDataException refused)
        {
            throw new SieveException($"Index {path} ({setting}) cannot be used: {refused.Message}", refused);
        }
    }

    private static GeneratePipeline CreateGenerate(JobOptions job, SieveOptions options, ConfigPaths paths, BoundOperator? attention, BoundOperator? kvCache,
        IServiceProvider services)
    {
        var (model, tokenizer) = LoadCausalLm(options, paths, job.Model, attention, services);
        var generator = new BatchGenerator(model, tokenizer, KvCache(kvCache, services));
        return new GeneratePipeline(model, tokenizer, generator, new GenerationDefaults(job.MaxNewTokens, job.Temperature, job.TopP, job.Seed));
    }

    /// <summary>The chosen KV cache, or the built-in dense one when none is chosen.</summary>
    public static IKvCache KvCache(BoundOperator? choice, IServiceProvider services) =>
        choice is null ? new DenseKvCache(services.GetService(typeof(IGpuDevice)) as IGpuDevice) : (IKvCache)choice.Create(services);

    /// <summary>Loads a configured causal LM and its tokenizer, with <paramref name="attention"/> substituted if given.</summary>
    public static (CausalLm Model, LmTokenizer Tokenizer) LoadCausalLm(SieveOptions options, ConfigPaths paths, string modelName,
        BoundOperator? attention = null, IServiceProvider? services = null)
    {
        var model = options.Models[modelName];
        var key = $"Sieve:Models:{modelName}";
        if (string.IsNullOrWhiteSpace(model.Tokenizer))
        {
            throw new SieveException($"{key}:Tokenizer is empty: a causal LM needs its tokenizer_config.json (with vocab.json and merges.txt beside it).");
        }
        var tokenizer = LmTokenizer.Load(paths.Resolve(model.Tokenizer), $"{key}:Tokenizer");
        var modelPath = paths.Resolve(model.Path);
        var session = ModelSessionFactory.Create(modelPath, $"{key}:Path", attention, services ?? EmptyServices.Instance);
        try
        {
            return (new CausalLm(session, modelPath, model.MaxSequenceLength), tokenizer);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static bool IsRetriever(JobOptions job, string retriever) =>
        string.Equals(job.Pipeline, Search, StringComparison.OrdinalIgnoreCase) && string.Equals(job.Retriever, retriever, StringComparison.OrdinalIgnoreCase);

    private static HashSet<string> UsableSlots(JobOptions job) =>
        string.Equals(job.Pipeline, Generate, StringComparison.OrdinalIgnoreCase) ? [OperatorSlots.Attention, OperatorSlots.KvCache]
        : string.Equals(job.Pipeline, Index, StringComparison.OrdinalIgnoreCase) || IsRetriever(job, Retrievers.Sparse)
            ? [OperatorSlots.Attention, OperatorSlots.LexicalHead, OperatorSlots.SparseIndex]
            : IsRetriever(job, Retrievers.Bm25) ? [] : [OperatorSlots.Attention];

    private static SieveException Missing(JobOptions job, string key, string slot, string suggestion) =>
        new($"Job {job.Name} ({key}) needs the {slot} slot filled: set Sieve:Operators:{slot}:Use (e.g. \"{suggestion}\") or the job's own Operators.");

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
