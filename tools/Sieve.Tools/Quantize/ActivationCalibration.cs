using Sieve.Host.Onnx;
using Sieve.Host.Text;
using Sieve.Tools.Models;

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
        var session = PassSession.Create(modelPath, pass, "sieve quantize MODEL");
        long tokens;
        if (Path.GetFileName(tokenizerPath) == "vocab.txt")
        {
            tokens = RunEncoder(session, modelPath, tokenizerPath, calibrationPath, maxTokens);
        }
        else
        {
            tokens = LmWindows.Run(session, modelPath, tokenizerPath, calibrationPath, maxTokens, context, "sieve quantize (tokenizer_config.json)").Tokens;
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
}
