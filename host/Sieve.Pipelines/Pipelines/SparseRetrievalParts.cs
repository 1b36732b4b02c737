using Sieve.Abstractions;
using Sieve.Host.Retrieval;
using Sieve.Host.Text;

namespace Sieve.Host.Pipelines;

/// <summary>
/// What the <c>index</c> job and the sparse <c>search</c> job share: the encoder with the <c>lexical-head</c> slot's head
/// bound to its vocabulary, the <c>sparse-index</c> slot's index, the index file, and the summary naming both.
/// </summary>
internal sealed record SparseRetrievalParts(LexicalTextModel Lexical, BertTextEncoder Encoder, ISparseIndex Index, string IndexPath, string Summary,
    string Retriever)
{
    public static SparseRetrievalParts Load(PipelineContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var job = context.Job;
        var operators = context.Operators;
        var modelOptions = context.Options.Models[job.Model];
        var (model, encoder) = context.LoadEncoder();
        LexicalTextModel lexical;
        try
        {
            lexical = LexicalTextModel.Create(model, context.Paths.Resolve(modelOptions.Path), context.Paths.Resolve(modelOptions.Tokenizer!),
                operators.Create<ILexicalHead>(), operators.Describe<ILexicalHead>());
        }
        catch
        {
            model.Dispose();
            throw;
        }
        var (head, index) = (operators.Describe<ILexicalHead>(), operators.Describe<ISparseIndex>());
        return new SparseRetrievalParts(lexical, encoder, operators.Create<ISparseIndex>(), context.Paths.Resolve(job.Index!),
            $"{model.OperatorSummary}, {head}, {index}", $"sparse ({head}, {index})");
    }

    /// <summary>Opens the index file, turning a refused file into a message that names the setting.</summary>
    /// <exception cref="SieveException">The file is missing or refused.</exception>
    public ISparseIndexReader OpenIndex(string setting)
    {
        if (!File.Exists(IndexPath))
        {
            throw new SieveException($"Index {IndexPath} ({setting}) does not exist: run the index job that writes it first.");
        }
        try
        {
            return Index.Open(IndexPath, Lexical.Origin);
        }
        catch (InvalidDataException refused)
        {
            throw new SieveException($"Index {IndexPath} ({setting}) cannot be used: {refused.Message}", refused);
        }
    }
}
