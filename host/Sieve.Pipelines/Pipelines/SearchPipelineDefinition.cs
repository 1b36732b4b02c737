using Sieve.Abstractions;
using Sieve.Host.Configuration;
using Sieve.Host.Retrieval;

namespace Sieve.Host.Pipelines;

/// <summary>
/// <c>search</c>, with the job's <c>Retriever</c>: <c>dense</c> (the encoder over an <c>embed</c> job's output), <c>sparse</c>
/// (the encoder, <c>lexical-head</c> and <c>sparse-index</c> over an <c>index</c> job's index) or <c>bm25</c> (no model).
/// </summary>
internal sealed class SearchPipelineDefinition : IPipelineDefinition
{
    public string Name => PipelineCatalog.Search;

    public bool LoadsModel(JobOptions job) => !Is(job, Retrievers.Bm25);

    public IReadOnlyList<Type> AroundGraphSlots(JobOptions job) => Is(job, Retrievers.Sparse) ? [typeof(ILexicalHead), typeof(ISparseIndex)] : [];

    public IJobPipeline Create(PipelineContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (job, key, paths) = (context.Job, context.Key, context.Paths);
        if (Is(job, Retrievers.Bm25))
        {
            var documents = paths.Resolve(job.Corpus!);
            return new SearchPipeline(new Bm25Retriever(Bm25Index.Build(DocumentsFile.Read(documents, $"{key}:Corpus"))), job.TopK, job.PrintHits,
                SearchPipeline.ReadDocumentText(documents), "bm25 (Lucene.Net)");
        }
        var documentText = job.Documents is null ? [] : SearchPipeline.ReadDocumentText(paths.Resolve(job.Documents));
        if (Is(job, Retrievers.Sparse))
        {
            var parts = SparseRetrievalParts.Load(context);
            try
            {
                var reader = parts.OpenIndex($"{key}:Index");
                return new SearchPipeline(new SparseRetriever(parts.Lexical, parts.Encoder, reader, new FileInfo(parts.IndexPath).Length, parts.Retriever, job.QueryTerms),
                    job.TopK, job.PrintHits, documentText, parts.Summary);
            }
            catch
            {
                parts.Lexical.Dispose();
                throw;
            }
        }
        var (model, encoder) = context.LoadEncoder();
        try
        {
            var (ids, matrix, dimensions) = EmbeddingsFile.Read(paths.Resolve(job.Corpus!), $"{key}:Corpus");
            return new SearchPipeline(new DenseRetriever(model, encoder, new ExactDenseIndex(ids, matrix, dimensions)), job.TopK, job.PrintHits, documentText,
                model.OperatorSummary);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static bool Is(JobOptions job, string retriever) => string.Equals(job.Retriever, retriever, StringComparison.OrdinalIgnoreCase);
}
