using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using Sieve.Abstractions;
using Sieve.Host.Generation;

namespace Sieve.Tools.Eval;

/// <summary>
/// <c>sieve eval lm</c>: perplexity of held-out text in non-overlapping windows of each context length (every token of
/// a window scored, as the model's manifest does), and pass-key accuracy: greedy continuation of each held-out prompt
/// must reproduce the hidden key's digits exactly. Runs the model as configured (its attention and KV cache choices).
/// </summary>
internal sealed class LmEvaluation(CausalLm model, LmTokenizer tokenizer, IKvCache cache)
{
    /// <param name="heldOut">Held-out token ids (uint16 little-endian, gzip).</param>
    /// <param name="contexts">Window lengths; each at most the model's context.</param>
    /// <param name="maxWindows">At most this many windows per context (0: all).</param>
    public IReadOnlyList<PerplexityResult> Perplexity(string heldOut, IReadOnlyList<int> contexts, int maxWindows, TextWriter log)
    {
        var tokens = ReadTokens(heldOut);
        var results = new List<PerplexityResult>();
        foreach (var context in contexts)
        {
            var windows = (tokens.Length - 1) / context;
            if (maxWindows > 0)
            {
                windows = Math.Min(windows, maxWindows);
            }
            var clock = Stopwatch.StartNew();
            var logits = new float[context * model.VocabularySize];
            double loss = 0;
            var ids = new long[context];
            var positions = new long[context];
            var mask = new long[context];
            for (var t = 0; t < context; t++)
            {
                positions[t] = t;
                mask[t] = 1;
            }
            for (var w = 0; w < windows; w++)
            {
                for (var t = 0; t < context; t++)
                {
                    ids[t] = tokens[w * context + t];
                }
                using var buffer = cache.Allocate(new KvCacheShape(model.Layers, 1, model.KeyValueHeads, context, model.HeadSize, model.Device));
                model.Run(ids, positions, mask, 1, context, buffer, logits);
                for (var t = 0; t < context; t++)
                {
                    loss += NegativeLogLikelihood(logits.AsSpan(t * model.VocabularySize, model.VocabularySize), tokens[w * context + t + 1]);
                }
            }
            var count = (long)windows * context;
            results.Add(new PerplexityResult(context, windows, count, loss / count, Math.Exp(loss / count), clock.Elapsed.TotalSeconds));
            log.WriteLine($"perplexity @ {context}: {Math.Exp(loss / count):F2} over {count:N0} tokens ({clock.Elapsed.TotalSeconds:F0} s)");
        }
        return results;
    }

    /// <summary>Pass-key accuracy per (length, depth) cell over the prompts that fit the model's context.</summary>
    /// <param name="path">JSONL (gzip) of <c>{"id", "length", "depth", "prompt": [ids], "answer": [ids]}</c>.</param>
    /// <param name="lengths">Only prompts of these lengths (empty: all).</param>
    public IReadOnlyList<PasskeyCell> Passkey(string path, int perCell, IReadOnlyCollection<int> lengths, TextWriter log)
    {
        var items = ReadPasskeys(path)
            .Where(i => i.Prompt.Length + i.Answer.Length <= model.Context && (lengths.Count == 0 || lengths.Contains(i.Length)))
            .ToList();
        var cells = new List<PasskeyCell>();
        var generator = new BatchGenerator(model, tokenizer, cache);
        foreach (var cell in items.GroupBy(i => (i.Length, i.Depth)).OrderBy(g => g.Key.Length).ThenBy(g => g.Key.Depth))
        {
            var chosen = cell.Take(perCell > 0 ? perCell : int.MaxValue).ToList();
            var requests = chosen.Select(i => new GenerationRequest(i.Prompt, i.Answer.Length, 0, 1, 0, [], [])).ToList();
            var results = generator.Generate(requests);
            var correct = chosen.Where((item, index) => results[index].Tokens.SequenceEqual(item.Answer)).Count();
            cells.Add(new PasskeyCell(cell.Key.Length, cell.Key.Depth, chosen.Count, correct));
        }
        log.WriteLine($"pass key: {cells.Sum(c => c.Correct)}/{cells.Sum(c => c.Count)} correct");
        return cells;
    }

    private static double NegativeLogLikelihood(ReadOnlySpan<float> logits, int target)
    {
        var max = logits[TokenSampler.ArgMax(logits)];
        double sum = 0;
        foreach (var logit in logits)
        {
            sum += Math.Exp(logit - max);
        }
        return max + Math.Log(sum) - logits[target];
    }

    public static ushort[] ReadTokens(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        gzip.CopyTo(bytes);
        return MemoryMarshal.Cast<byte, ushort>(bytes.GetBuffer().AsSpan(0, (int)bytes.Length)).ToArray();
    }

    private static List<PasskeyItem> ReadPasskeys(string path)
    {
        using var file = File.OpenRead(path);
        using var reader = new StreamReader(new GZipStream(file, CompressionMode.Decompress));
        var items = new List<PasskeyItem>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            try
            {
                var item = JsonSerializer.Deserialize<PasskeyItem>(line, JsonOptions)
                    ?? throw new JsonException("null record");
                items.Add(item);
            }
            catch (JsonException error)
            {
                throw new SieveException($"{path}, line {lineNumber}: not a pass-key record ({error.Message}).", error);
            }
        }
        return items;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private sealed record PasskeyItem(string Id, int Length, int Depth, int[] Prompt, int[] Answer);
}

/// <summary>Perplexity at one window length.</summary>
internal sealed record PerplexityResult(int Context, int Windows, long Tokens, double Loss, double Perplexity, double Seconds);

/// <summary>Pass-key results of one (length, depth) cell.</summary>
internal sealed record PasskeyCell(int Length, int Depth, int Count, int Correct)
{
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;
}
