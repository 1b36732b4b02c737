using Microsoft.Extensions.AI;
using Sieve.Host.Configuration;
using Sieve.Host.Onnx;
using Sieve.Host.Pipelines;
using Sieve.Host.Text;

namespace Sieve.Host.Embeddings;

/// <summary>
/// The <c>embed</c> pipeline's sentence encoder as a <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>
/// (Microsoft.Extensions.AI), for use in-process without the <c>sieve</c> command: the same model loading, tokenizer,
/// mean pooling and L2 normalization as the job, so it returns the job's vectors. Runs on the CPU.
/// </summary>
/// <remarks>
/// Thread-safe: calls are serialized (the model runs one batch at a time, on ONNX Runtime's own threads). The returned
/// vectors are new arrays owned by the caller. A text longer than the model's limit is truncated, as in the job, and
/// its embedding carries <c>AdditionalProperties["truncated"] = true</c>. Dispose releases the model.
/// </remarks>
public sealed class SieveEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private const string ModelName = "model";

    private readonly SentenceEmbeddingModel _model;
    private readonly BertTextEncoder _encoder;
    private readonly int _batchSize;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly EmbeddingGeneratorMetadata _metadata;

    private SieveEmbeddingGenerator(SentenceEmbeddingModel model, BertTextEncoder encoder, int batchSize, string modelId, Uri location)
    {
        _model = model;
        _encoder = encoder;
        _batchSize = batchSize;
        _metadata = new EmbeddingGeneratorMetadata("sieve", location, modelId, model.HiddenSize > 0 ? model.HiddenSize : null);
    }

    /// <summary>Loads a BERT-style sentence encoder (e.g. the host's <c>models/all-MiniLM-L6-v2/model.onnx</c>) and its <c>vocab.txt</c>.</summary>
    /// <param name="modelPath">The ONNX model.</param>
    /// <param name="vocabularyPath">Its BERT WordPiece vocabulary.</param>
    /// <param name="maxSequenceLength">Tokens a text keeps (the model's limit, 512 for MiniLM).</param>
    /// <param name="batchSize">Texts encoded together.</param>
    /// <exception cref="SieveException">A file is missing or is not a sentence encoder; the message says which.</exception>
    public static SieveEmbeddingGenerator Load(string modelPath, string vocabularyPath, int maxSequenceLength = 512, int batchSize = 32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSequenceLength, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var fullPath = Path.GetFullPath(modelPath);
        foreach (var file in (string[])[fullPath, Path.GetFullPath(vocabularyPath)])
        {
            if (!File.Exists(file))
            {
                throw new SieveException($"File not found: {file}.");
            }
        }
        var options = new SieveOptions();
        options.Models[ModelName] = new ModelOptions { Path = fullPath, Tokenizer = Path.GetFullPath(vocabularyPath), MaxSequenceLength = maxSequenceLength };
        var (model, encoder) = ConfiguredModels.LoadEncoder(options, new ConfigPaths(Environment.CurrentDirectory), ModelName);
        var modelId = Path.GetFileName(Path.GetDirectoryName(fullPath)) is { Length: > 0 } folder ? folder : Path.GetFileNameWithoutExtension(fullPath);
        return new SieveEmbeddingGenerator(model, encoder, batchSize, modelId, new Uri(fullPath));
    }

    /// <inheritdoc/>
    /// <remarks>Texts are grouped by length into batches (as the job does) and come back in the order given.</remarks>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var encoded = values.Select(_encoder.Encode).ToArray();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var vectors = await Task.Run(() => Embed(encoded, cancellationToken), cancellationToken).ConfigureAwait(false);
            var embeddings = new GeneratedEmbeddings<Embedding<float>>(encoded.Length)
            {
                Usage = new UsageDetails { InputTokenCount = encoded.Sum(e => (long)e.Ids.Length) },
            };
            for (var i = 0; i < encoded.Length; i++)
            {
                var embedding = new Embedding<float>(vectors[i]) { ModelId = _metadata.DefaultModelId, CreatedAt = DateTimeOffset.UtcNow };
                if (encoded[i].Truncated)
                {
                    embedding.AdditionalProperties = new() { ["truncated"] = true };
                }
                embeddings.Add(embedding);
            }
            return embeddings;
        }
        finally
        {
            _gate.Release();
        }
    }

    private float[][] Embed(EncodedText[] encoded, CancellationToken cancellationToken)
    {
        var vectors = new float[encoded.Length][];
        var order = Enumerable.Range(0, encoded.Length).OrderBy(i => encoded[i].Ids.Length).ToArray();
        for (var start = 0; start < order.Length; start += _batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = order.AsSpan(start, Math.Min(_batchSize, order.Length - start)).ToArray();
            var batch = _model.Embed([.. rows.Select(i => encoded[i])]);
            for (var row = 0; row < rows.Length; row++)
            {
                vectors[rows[row]] = batch[row];
            }
        }
        return vectors;
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _model.Dispose();
        _gate.Dispose();
    }
}
