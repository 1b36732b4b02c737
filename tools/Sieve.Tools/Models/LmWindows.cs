using Sieve.Abstractions;
using Sieve.Host.Generation;
using Sieve.Host.Onnx;
using Sieve.Host.Operators.KvCache;

namespace Sieve.Tools.Models;

/// <summary>Runs a causal LM forward over a text in consecutive windows (one cache per window), for tools that watch its operators.</summary>
internal static class LmWindows
{
    /// <returns>The windows and tokens run.</returns>
    /// <param name="verb">How the tool names the tokenizer in errors.</param>
    public static (int Windows, long Tokens) Run(ModelSession session, string modelPath, string tokenizerPath, string textPath, int maxTokens, int context,
        string verb, bool wholeWindowsOnly = false)
    {
        var tokenizer = LmTokenizer.Load(tokenizerPath, verb);
        using var model = new CausalLm(session, modelPath, context);
        var ids = tokenizer.Encode(File.ReadAllText(textPath));
        var window = Math.Min(context, model.Context);
        var windows = Math.Max(1, Math.Min(ids.Length / window, (maxTokens + window - 1) / window));
        if (wholeWindowsOnly && ids.Length < window)
        {
            throw new SieveException($"{textPath} has {ids.Length:N0} tokens, fewer than one window of {window:N0}.");
        }
        var cache = new DenseKvCache();
        var logits = new float[window * model.VocabularySize];
        var positions = Enumerable.Range(0, window).Select(p => (long)p).ToArray();
        var mask = Enumerable.Repeat(1L, window).ToArray();
        long tokens = 0;
        var run = 0;
        for (; run < windows && run * window < ids.Length; run++)
        {
            var count = Math.Min(window, ids.Length - run * window);
            var slice = Array.ConvertAll(ids[(run * window)..(run * window + count)], i => (long)i);
            using var buffer = cache.Allocate(new KvCacheShape(model.Layers, 1, model.KeyValueHeads, count, model.HeadSize, model.Device));
            model.Run(slice, positions[..count], mask[..count], 1, count, buffer, logits.AsMemory(0, count * model.VocabularySize));
            tokens += count;
        }
        return (run, tokens);
    }
}
