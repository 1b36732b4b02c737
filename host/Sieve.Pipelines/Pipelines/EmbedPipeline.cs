using Sieve.Host.Jobs;
using Sieve.Host.Onnx;
using Sieve.Host.Text;

namespace Sieve.Host.Pipelines;

/// <summary>
/// <c>embed</c>: <c>{"id", "text"}</c> → <c>{"id", "embedding": […]}</c> with a sentence encoder (mean pooling over
/// the mask, L2-normalized). Texts longer than the model's limit are truncated, flagged in the output
/// (<c>"truncated": true</c>) and reported as a warning.
/// </summary>
internal sealed class EmbedPipeline(SentenceEmbeddingModel model, BertTextEncoder encoder, string operatorSummary) : IJobPipeline
{
    public string OperatorSummary { get; } = operatorSummary;

    public SentenceEmbeddingModel Model => model;

    public string? Epilogue => null;

    public PreparedRecord Prepare(InputRecord record)
    {
        var encoded = encoder.Encode(record.RequireString("text"));
        var warning = encoded.Truncated
            ? $"text truncated from {encoded.OriginalLength} to {encoded.Ids.Length} tokens (the model's limit)"
            : null;
        return new PreparedRecord(record, encoded, encoded.Ids.Length, warning);
    }

    public void Process(IReadOnlyList<PreparedRecord> batch, JobOutput output)
    {
        var encoded = new EncodedText[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            encoded[i] = (EncodedText)batch[i].Work;
        }
        var embeddings = model.Embed(encoded);
        for (var i = 0; i < batch.Count; i++)
        {
            var embedding = embeddings[i];
            var truncated = encoded[i].Truncated;
            output.Write(batch[i].Record.IdJson, writer =>
            {
                writer.WriteStartArray("embedding");
                foreach (var value in embedding)
                {
                    writer.WriteNumberValue(value);
                }
                writer.WriteEndArray();
                if (truncated)
                {
                    writer.WriteBoolean("truncated", true);
                }
            });
        }
    }

    public void Dispose() => model.Dispose();
}
