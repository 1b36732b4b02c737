using System.Security.Cryptography;
using Sieve.Abstractions;
using Sieve.Host.Onnx;
using Sieve.Host.Text;

namespace Sieve.Host.Retrieval;

/// <summary>
/// Text → sparse vocabulary weights: a BERT encoder's last hidden states through a lexical head whose vocabulary
/// projection is the encoder's own word-embedding matrix (no trained SPLADE head ships anywhere reachable), with the
/// bracketed special tokens ([CLS], [SEP], [PAD], [unusedN], …) excluded so they never weigh in every document.
/// Not thread-safe: one batch at a time.
/// </summary>
internal sealed class LexicalTextModel : IDisposable
{
    private readonly SentenceEmbeddingModel _model;
    private readonly ILexicalEncoder _head;

    private LexicalTextModel(SentenceEmbeddingModel model, ILexicalEncoder head, string origin)
    {
        _model = model;
        _head = head;
        Origin = origin;
    }

    /// <summary>Said beside every sparse search: the projection is the encoder's word embeddings, never trained as a head.</summary>
    public const string Caveat = "the lexical head is untrained for retrieval (its vocabulary projection is the encoder's own word-embedding matrix, " +
        "not a trained SPLADE head), so sparse hits are a baseline, not search quality; see docs/retrieval.md.";

    /// <summary>Which model, vocabulary and head produce the vectors: recorded in an index and checked when it is opened.</summary>
    public string Origin { get; }

    /// <summary>Binds <paramref name="head"/> to the word-embedding matrix of the model at <paramref name="modelPath"/>.</summary>
    /// <param name="headName">The head implementation's full name, part of <see cref="Origin"/>.</param>
    public static LexicalTextModel Create(SentenceEmbeddingModel model, string modelPath, string vocabularyPath, ILexicalHead head, string headName)
    {
        var vocabulary = File.ReadAllLines(vocabularyPath);
        var excluded = new List<int>();
        for (var term = 0; term < vocabulary.Length; term++)
        {
            if (vocabulary[term].Length > 2 && vocabulary[term][0] == '[' && vocabulary[term][^1] == ']')
            {
                excluded.Add(term);
            }
        }
        var hiddenSize = model.HiddenSize > 0 ? model.HiddenSize : throw new SieveException($"Model {modelPath} leaves its hidden size symbolic.");
        var weights = OnnxInitializers.ReadMatrix(modelPath, name: null, vocabulary.Length, hiddenSize);
        var projection = new VocabularyProjection(weights, ReadOnlyMemory<float>.Empty, vocabulary.Length, hiddenSize, excluded.ToArray());
        var origin = $"model {Path.GetFileName(modelPath)} sha256:{Fingerprint(modelPath)}; vocabulary {vocabulary.Length} terms sha256:{Fingerprint(vocabularyPath)}; head {headName}";
        return new LexicalTextModel(model, head.Bind(projection), origin);
    }

    /// <summary>
    /// The sparse vectors of a batch of texts. On a CUDA session the hidden states stay in GPU memory and the head runs
    /// its GPU kernels on them; on the CPU they come back to the host.
    /// </summary>
    public SparseVector[] Encode(IReadOnlyList<EncodedText> batch)
    {
        using var onDevice = _model.EncodeOnDevice(batch);
        return onDevice is null ? Encode(_model.Encode(batch)) : Encode(onDevice);
    }

    /// <summary>The sparse vectors of hidden states in GPU memory (the head runs its GPU kernels on them).</summary>
    public SparseVector[] Encode(DeviceHiddenStates hidden)
    {
        var vectors = new SparseVector[hidden.Rows];
        _head.Encode(new LexicalEncodeCall { Hidden = hidden.View, Lengths = hidden.Lengths, Output = vectors });
        return vectors;
    }

    /// <summary>The sparse vectors of hidden states already computed (e.g. shared with dense pooling).</summary>
    public SparseVector[] Encode(HiddenStates hidden)
    {
        var vectors = new SparseVector[hidden.Rows];
        _head.Encode(new LexicalEncodeCall { Hidden = new TensorView<float>(hidden.Values, new TensorShape(hidden.Rows, hidden.Length, hidden.Size)), Lengths = hidden.Lengths, Output = vectors });
        return vectors;
    }

    private static string Fingerprint(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..16];
    }

    public void Dispose()
    {
        _head.Dispose();
        _model.Dispose();
    }
}
