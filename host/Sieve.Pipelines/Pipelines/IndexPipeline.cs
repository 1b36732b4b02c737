using System.Globalization;
using Sieve.Abstractions;
using Sieve.Host.Jobs;
using Sieve.Host.Retrieval;
using Sieve.Host.Text;

namespace Sieve.Host.Pipelines;

/// <summary>
/// <c>index</c>: <c>{"id", "text"}</c> documents → their sparse vectors (<c>{"id", "terms", "weights"}</c>, the
/// resumable output) → once every document is encoded, an inverted index built from that output in one go (written
/// aside and renamed, so an index is whole or absent).
/// </summary>
internal sealed class IndexPipeline(LexicalTextModel model, BertTextEncoder encoder, ISparseIndex index, string indexPath, string operatorSummary) : IJobPipeline
{
    public string OperatorSummary { get; } = operatorSummary;

    public string? Epilogue { get; private set; }

    public PreparedRecord Prepare(InputRecord record)
    {
        var text = record.RequireString("text");
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new RecordException("empty document: \"text\" has nothing to index");
        }
        var encoded = encoder.Encode(text);
        var warning = encoded.Truncated ? $"document truncated from {encoded.OriginalLength} to {encoded.Ids.Length} tokens" : null;
        return new PreparedRecord(record, encoded, encoded.Ids.Length, warning);
    }

    public void Process(IReadOnlyList<PreparedRecord> batch, JobOutput output)
    {
        var vectors = model.Encode([.. batch.Select(b => (EncodedText)b.Work)]);
        for (var i = 0; i < batch.Count; i++)
        {
            var vector = vectors[i];
            output.Write(batch[i].Record.IdJson, writer => SparseVectorsFile.Write(writer, vector));
        }
    }

    public void Completed(string outputPath)
    {
        var documents = 0;
        using (var writer = index.Create(indexPath, model.Origin))
        {
            foreach (var (id, vector) in SparseVectorsFile.Read(outputPath))
            {
                writer.Add(id, vector);
                documents++;
            }
            writer.Complete();
        }
        Epilogue = string.Create(CultureInfo.InvariantCulture,
            $"Index {indexPath}: {documents:N0} documents, {new FileInfo(indexPath).Length:N0} bytes ({model.Origin}).{Environment.NewLine}");
    }

    public void Dispose() => model.Dispose();
}
