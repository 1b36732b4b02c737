using Microsoft.ML.OnnxRuntime;
using Sieve.Abstractions;
using Sieve.Host.Onnx;
using Sieve.Host.Onnx.Passes.LmHead;

namespace Sieve.Host.Generation;

/// <summary>
/// A decoder-only LM exported with <c>input_ids</c>, <c>attention_mask</c> (past + new), <c>position_ids</c> and
/// <c>past_key_values.N.key/value</c> inputs, <c>logits</c> and <c>present.N.key/value</c> outputs, whose cache is written
/// in place: past and present are the whole buffer [batch, kvHeads, max, headSize] and a step writes its new positions
/// into it. Each step binds the inputs, the cache's buffer (as both past and present) and the caller's logits through an
/// <see cref="OrtIoBinding"/>: ORT reads and writes memory the caller owns; nothing is copied in or out. A model whose
/// output projection was cut for the lm-head slot returns <c>hidden_states</c> instead of <c>logits</c>
/// (<see cref="OutputWidth"/> is then the hidden size). Not thread-safe.
/// </summary>
internal sealed class CausalLm : IDisposable
{
    private readonly ModelSession _model;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _pastKeys, _pastValues, _presentKeys, _presentValues;

    /// <param name="cutEmbedding">The output projection the load cut out of the graph, or null when the model returns its logits.</param>
    public CausalLm(ModelSession model, string path, int context, OutputEmbedding? cutEmbedding = null)
    {
        _model = model;
        var inputs = model.Session.InputMetadata;
        var outputs = model.Session.OutputMetadata;
        foreach (var name in new[] { "input_ids", "attention_mask", "position_ids", "past_key_values.0.key" })
        {
            if (!inputs.ContainsKey(name))
            {
                throw new SieveException($"Model {path} is not a causal LM with a KV cache: it lacks the input {name} (it has {string.Join(", ", inputs.Keys)}).");
            }
        }
        OutputName = cutEmbedding is null ? OutputProjectionCut.LogitsOutput : OutputProjectionCut.HiddenStateOutput;
        if (!outputs.TryGetValue(OutputName, out var logits) || !outputs.ContainsKey("present.0.key"))
        {
            throw new SieveException($"Model {path} is not a causal LM with a KV cache: it needs outputs {OutputName} and present.N.key/value.");
        }
        Layers = inputs.Keys.Count(k => k.StartsWith("past_key_values.", StringComparison.Ordinal) && k.EndsWith(".key", StringComparison.Ordinal));
        var past = inputs["past_key_values.0.key"].Dimensions;
        KeyValueHeads = past[1];
        HeadSize = past[3];
        OutputWidth = logits.Dimensions[2];
        VocabularySize = cutEmbedding?.VocabularySize ?? OutputWidth;
        Embedding = cutEmbedding ?? new OutputEmbedding(ReadOnlyMemory<float>.Empty, VocabularySize, 0, path);
        if (KeyValueHeads <= 0 || HeadSize <= 0 || OutputWidth <= 0)
        {
            throw new SieveException($"Model {path} leaves the KV heads, head size or vocabulary symbolic; they must be fixed.");
        }
        // An in-place cache has present as long as past (both the buffer); a concatenating graph grows present by the step.
        var pastLength = inputs["past_key_values.0.key"].SymbolicDimensions[2];
        var presentLength = outputs["present.0.key"].SymbolicDimensions[2];
        if (pastLength.Length == 0 || pastLength != presentLength)
        {
            throw new SieveException($"Model {path} does not write its KV cache in place: present.0.key's length '{presentLength}' is not past_key_values.0.key's " +
                $"'{pastLength}' (a graph that concatenates past and new keys). Export it with tools/train-lm/export.py, which writes the step's keys into the past buffer (ScatterElements).");
        }
        Context = context;
        _pastKeys = Names("past_key_values.{0}.key");
        _pastValues = Names("past_key_values.{0}.value");
        _presentKeys = Names("present.{0}.key");
        _presentValues = Names("present.{0}.value");
    }

    public int Layers { get; }

    public int KeyValueHeads { get; }

    public int HeadSize { get; }

    public int VocabularySize { get; }

    /// <summary>The model's output: <c>logits</c>, or <c>hidden_states</c> when its output projection was cut.</summary>
    public string OutputName { get; }

    /// <summary>Floats per position of the output: the vocabulary, or the hidden size when the projection was cut.</summary>
    public int OutputWidth { get; }

    /// <summary>What an lm-head binds to: the cut projection's weights, or (logits kept) the vocabulary size alone.</summary>
    public OutputEmbedding Embedding { get; }

    /// <summary>The most tokens a sequence may hold (prompt plus generated).</summary>
    public int Context { get; }

    /// <summary>Where the session runs; the KV cache is allocated there.</summary>
    public DeviceKind Device => _model.Device;

    /// <summary>Which implementation fills each slot.</summary>
    public string OperatorSummary => _model.OperatorSummary;

    /// <summary>
    /// Runs <paramref name="count"/> new tokens of every sequence: reads the cache's first <see cref="IKvCacheBuffer.Length"/>
    /// positions, writes the new ones after them (the caller advances the cache) and the output of every new position
    /// into <paramref name="logits"/> [batch, count, <see cref="OutputWidth"/>].
    /// </summary>
    /// <param name="ids">[batch, count].</param>
    /// <param name="positions">[batch, count].</param>
    /// <param name="mask">[batch, past + count]: 1 for real tokens, 0 for padding.</param>
    /// <param name="run">The operators' run-scoped context; pass one per generation batch (with its cache) so that operators
    /// keep per-layer state across its steps. Null: a fresh one for this step.</param>
    public void Run(long[] ids, long[] positions, long[] mask, int batch, int count, IKvCacheBuffer cache, Memory<float> logits, OperatorRunContext? run = null)
    {
        var past = cache.Length;
        if (past + count > cache.MaxLength)
        {
            throw new InvalidOperationException($"A step of {count} tokens after {past} exceeds the cache's {cache.MaxLength}.");
        }
        if (cache.Device != Device)
        {
            throw new InvalidOperationException($"The KV cache is on {cache.Device} but the model runs on {Device}.");
        }
        var values = new List<OrtValue>(6 + Layers * 4);
        try
        {
            using var binding = _model.Session.CreateIoBinding();
            Bind(values, v => binding.BindInput("input_ids", v), OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, ids.AsMemory(0, batch * count), [batch, count]));
            Bind(values, v => binding.BindInput("position_ids", v), OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, positions.AsMemory(0, batch * count), [batch, count]));
            Bind(values, v => binding.BindInput("attention_mask", v), OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, mask.AsMemory(0, batch * (past + count)), [batch, past + count]));
            long[] cacheShape = [batch, KeyValueHeads, cache.MaxLength, HeadSize];
            for (var layer = 0; layer < Layers; layer++)
            {
                // One OrtValue per buffer, bound as the input and as the output: the graph's scatter then writes in place.
                var keys = Bind(values, v => binding.BindInput(_pastKeys[layer], v), CacheValue(cache.Layer(layer, KvPart.Key), cacheShape));
                binding.BindOutput(_presentKeys[layer], keys);
                var vals = Bind(values, v => binding.BindInput(_pastValues[layer], v), CacheValue(cache.Layer(layer, KvPart.Value), cacheShape));
                binding.BindOutput(_presentValues[layer], vals);
            }
            Bind(values, v => binding.BindOutput(OutputName, v),
                OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, logits[..(batch * count * OutputWidth)], [batch, count, OutputWidth]));
            _model.RunWithBinding(_runOptions, binding, run ?? new OperatorRunContext(Device));
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    /// <summary>An ORT tensor over one cache buffer, host or device memory (on CUDA: in the primary context ORT uses too).</summary>
    private OrtValue CacheValue(TensorView<float> buffer, long[] shape)
    {
        if (buffer.Device == DeviceKind.Cpu)
        {
            return OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.Memory, shape);
        }
        return _model.GpuTensor(buffer.Address, shape);
    }

    private static OrtValue Bind(List<OrtValue> values, Action<OrtValue> bind, OrtValue value)
    {
        values.Add(value);
        bind(value);
        return value;
    }

    private string[] Names(string format) =>
        [.. Enumerable.Range(0, Layers).Select(layer => string.Format(System.Globalization.CultureInfo.InvariantCulture, format, layer))];

    public void Dispose()
    {
        _runOptions.Dispose();
        _model.Dispose();
    }
}
