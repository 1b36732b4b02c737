using Microsoft.ML.OnnxRuntime;
using Sieve.Host.Text;

namespace Sieve.Host.Onnx;

/// <summary>
/// A BERT-style encoder (inputs <c>input_ids</c>, <c>attention_mask</c>, optional <c>token_type_ids</c>; output
/// [batch, sequence, hidden]) turned into sentence embeddings: mean pooling over the mask, then L2 normalization.
/// Not thread-safe: one job runs one batch at a time.
/// </summary>
internal sealed class SentenceEmbeddingModel : IDisposable
{
    private readonly ModelSession _model;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly bool _hasTokenTypes;

    public SentenceEmbeddingModel(ModelSession model, string path)
    {
        _model = model;
        var session = model.Session;
        var inputs = session.InputMetadata.Keys.ToHashSet(StringComparer.Ordinal);
        if (!inputs.Contains("input_ids") || !inputs.Contains("attention_mask"))
        {
            throw new SieveException($"Model {path} is not a BERT-style encoder: it needs inputs input_ids and attention_mask, it has {string.Join(", ", inputs)}.");
        }
        _hasTokenTypes = inputs.Contains("token_type_ids");
        _inputNames = _hasTokenTypes ? ["input_ids", "attention_mask", "token_type_ids"] : ["input_ids", "attention_mask"];
        var hidden = session.OutputMetadata.FirstOrDefault(o => o.Value.Dimensions.Length == 3);
        if (hidden.Key is null)
        {
            throw new SieveException($"Model {path} has no [batch, sequence, hidden] output to pool.");
        }
        _outputNames = [hidden.Key];
        HiddenSize = hidden.Value.Dimensions[2];
    }

    /// <summary>Embedding size (may be -1 when the model leaves it symbolic; then it is known after the first run).</summary>
    public int HiddenSize { get; private set; }

    /// <summary>Which implementation fills each slot.</summary>
    public string OperatorSummary => _model.OperatorSummary;

    /// <summary>Builds the padded input tensors of a batch: ids, mask and (if the model takes them) zero token types.</summary>
    public BatchInputs CreateInputs(IReadOnlyList<EncodedText> batch)
    {
        var length = 0;
        foreach (var encoded in batch)
        {
            length = Math.Max(length, encoded.Ids.Length);
        }
        var ids = new long[batch.Count * length];
        var mask = new long[batch.Count * length];
        for (var row = 0; row < batch.Count; row++)
        {
            var tokens = batch[row].Ids;
            for (var t = 0; t < tokens.Length; t++)
            {
                ids[row * length + t] = tokens[t];
                mask[row * length + t] = 1;
            }
        }
        long[] shape = [batch.Count, length];
        var values = new List<OrtValue>
        {
            OrtValue.CreateTensorValueFromMemory(ids, shape),
            OrtValue.CreateTensorValueFromMemory(mask, shape),
        };
        if (_hasTokenTypes)
        {
            values.Add(OrtValue.CreateTensorValueFromMemory(new long[batch.Count * length], shape));
        }
        return new BatchInputs(values, mask, batch.Count, length);
    }

    /// <summary>Runs the encoder on prepared inputs and returns its raw outputs (caller disposes).</summary>
    public IDisposableReadOnlyCollection<OrtValue> Run(BatchInputs inputs) =>
        _model.Run(_runOptions, _inputNames, inputs.Values, _outputNames);

    /// <summary>Embeds a batch: one normalized vector per text.</summary>
    public float[][] Embed(IReadOnlyList<EncodedText> batch)
    {
        var hidden = Encode(batch);
        var embeddings = new float[batch.Count][];
        for (var row = 0; row < batch.Count; row++)
        {
            embeddings[row] = hidden.MeanPoolNormalized(row);
        }
        return embeddings;
    }

    /// <summary>
    /// Runs the encoder on a batch and returns its last hidden states. Once the hidden size is known, the output is bound
    /// to the returned array itself (IOBinding), so ORT writes it there; before that, it is copied out of ORT's buffer.
    /// </summary>
    public HiddenStates Encode(IReadOnlyList<EncodedText> batch)
    {
        using var inputs = CreateInputs(batch);
        var lengths = Lengths(batch);
        if (HiddenSize > 0)
        {
            var values = new float[batch.Count * inputs.Length * HiddenSize];
            using var output = OrtValue.CreateTensorValueFromMemory(values, [batch.Count, inputs.Length, HiddenSize]);
            _model.Run(_runOptions, _inputNames, inputs.Values, _outputNames[0], output);
            return new HiddenStates(values, lengths, inputs.Length, HiddenSize);
        }
        using var outputs = Run(inputs);
        HiddenSize = (int)outputs[0].GetTensorTypeAndShape().Shape[2];
        return new HiddenStates(outputs[0].GetTensorDataAsSpan<float>().ToArray(), lengths, inputs.Length, HiddenSize);
    }

    /// <summary>
    /// On a CUDA session, runs the encoder with its last hidden states bound to GPU memory and leaves them there; null
    /// on the CPU (use <see cref="Encode"/>).
    /// </summary>
    public DeviceHiddenStates? EncodeOnDevice(IReadOnlyList<EncodedText> batch)
    {
        if (_model.Execution.Gpu is not { } gpu || HiddenSize <= 0)
        {
            return null;
        }
        using var inputs = CreateInputs(batch);
        var lengths = Lengths(batch);
        long[] shape = [batch.Count, inputs.Length, HiddenSize];
        var bytes = Math.Max(1L, batch.Count * (long)inputs.Length * HiddenSize) * sizeof(float);
        var buffer = gpu.Allocate(bytes);
        try
        {
            gpu.Synchronize(); // the stream-ordered allocation is complete before ORT writes on its own stream
            using var output = _model.GpuTensor(buffer.Address, shape);
            _model.Run(_runOptions, _inputNames, inputs.Values, _outputNames[0], output); // returns once ORT's stream is done
            return new DeviceHiddenStates(gpu, buffer, lengths, inputs.Length, HiddenSize);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    private static int[] Lengths(IReadOnlyList<EncodedText> batch)
    {
        var lengths = new int[batch.Count];
        for (var row = 0; row < batch.Count; row++)
        {
            lengths[row] = batch[row].Ids.Length;
        }
        return lengths;
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _model.Dispose();
    }
}
