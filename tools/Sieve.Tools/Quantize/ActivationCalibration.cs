using Google.Protobuf;
using Sieve.Abstractions;
using Sieve.Host.Device;
using Sieve.Host.Generation;
using Sieve.Host.Onnx;
using Sieve.Host.Onnx.Bridge;
using Sieve.Host.Onnx.Graph;
using Sieve.Host.Operators.KvCache;
using Sieve.Host.Text;

namespace Sieve.Tools.Quantize;

/// <summary>
/// Measures E[x_k²] at every quantizable weight's input by running the model on calibration text through ONNX Runtime
/// (CPU) with <see cref="ActivationRecorderPass"/>. A causal LM (its tokenizer is a <c>tokenizer_config.json</c>) reads
/// the text as one token stream in windows of <c>context</c> tokens; an encoder (a <c>vocab.txt</c>) reads one text per
/// non-empty line.
/// </summary>
internal static class ActivationCalibration
{
    /// <returns>E[x²] per input index, by weight name, and the tokens run.</returns>
    public static (Dictionary<string, float[]> MeanSquares, long Tokens) Measure(string modelPath, string tokenizerPath, string calibrationPath,
        int maxTokens, int context, TextWriter log)
    {
        if (!File.Exists(calibrationPath))
        {
            throw new SieveException($"--calibration {calibrationPath}: file not found.");
        }
        var pass = new ActivationRecorderPass();
        var graph = new OnnxModelGraph(OnnxModelFile.Read(modelPath), modelPath);
        pass.Apply(graph, pass.Plan(graph, new GraphPassContext(DeviceKind.Cpu, pass.Name)));
        graph.Complete();
        var domain = new CustomOpDomain(pass.Operators.Select(op => new PassCustomOp(op, pass.Name, DeviceKind.Cpu)));
        var session = new ModelSession(OnnxSessionFactory.Create(graph.Model.ToByteArray(), modelPath, "sieve quantize MODEL", ExecutionDevice.Cpu, domain.AddTo),
            domain, [], pass.Name, ExecutionDevice.Cpu);
        long tokens;
        if (Path.GetFileName(tokenizerPath) == "vocab.txt")
        {
            tokens = RunEncoder(session, modelPath, tokenizerPath, calibrationPath, maxTokens);
        }
        else
        {
            tokens = RunCausalLm(session, modelPath, tokenizerPath, calibrationPath, maxTokens, context);
        }
        log.WriteLine($"calibration: {tokens:N0} tokens of {calibrationPath} through {pass.Sums.Count} weights' inputs");
        return (pass.Sums.ToDictionary(s => s.Key, s => s.Value.MeanSquares(), StringComparer.Ordinal), tokens);
    }

    private static long RunEncoder(ModelSession session, string modelPath, string vocabulary, string calibrationPath, int maxTokens)
    {
        var encoder = BertTextEncoder.Load(vocabulary, 256, "sieve quantize (vocab.txt)");
        using var model = new SentenceEmbeddingModel(session, modelPath);
        var texts = File.ReadLines(calibrationPath).Where(l => l.Trim().Length > 0).Select(encoder.Encode);
        long tokens = 0;
        foreach (var batch in texts.Chunk(16))
        {
            model.Embed(batch);
            tokens += batch.Sum(t => t.Ids.Length);
            if (tokens >= maxTokens)
            {
                break;
            }
        }
        return tokens;
    }

    private static long RunCausalLm(ModelSession session, string modelPath, string tokenizerPath, string calibrationPath, int maxTokens, int context)
    {
        var tokenizer = LmTokenizer.Load(tokenizerPath, "sieve quantize (tokenizer_config.json)");
        using var model = new CausalLm(session, modelPath, context);
        var ids = tokenizer.Encode(File.ReadAllText(calibrationPath));
        var window = Math.Min(context, model.Context);
        var windows = Math.Max(1, Math.Min(ids.Length / window, (maxTokens + window - 1) / window));
        var cache = new DenseKvCache();
        var logits = new float[window * model.VocabularySize];
        var positions = Enumerable.Range(0, window).Select(p => (long)p).ToArray();
        var mask = Enumerable.Repeat(1L, window).ToArray();
        long tokens = 0;
        for (var w = 0; w < windows; w++)
        {
            var count = Math.Min(window, ids.Length - w * window);
            if (count <= 0)
            {
                break;
            }
            var slice = ids.Skip(w * window).Take(count).Select(i => (long)i).ToArray();
            using var buffer = cache.Allocate(new KvCacheShape(model.Layers, 1, model.KeyValueHeads, count, model.HeadSize, model.Device));
            model.Run(slice, positions[..count], mask[..count], 1, count, buffer, logits.AsMemory(0, count * model.VocabularySize));
            tokens += count;
        }
        return tokens;
    }
}
