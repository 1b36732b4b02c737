using System.Numerics.Tensors;
using System.Text.Json;
using Sieve.Abstractions;
using Sieve.Host.Generation;
using Sieve.Host.Onnx;
using Sieve.Host.Onnx.Passes.Attention;
using Sieve.Host.Operators;
using Sieve.Host.Operators.KvCache;
using Sieve.Host.Plugins;
using Sieve.Host.Tests.Generation;
using Sieve.Host.Tests.Testing;
using Xunit.Abstractions;

namespace Sieve.Host.Tests;

/// <summary>
/// Attention substitution in the committed causal LM (models/sieve-lm: grouped-query [B, 2, 4, T, 32] queries over a KV
/// cache, an in-graph causal + left-padding mask): prefill in chunks after a cache, decoding, left-padded batches.
/// </summary>
public class LmAttentionTests(ITestOutputHelper output)
{
    private static readonly LmTokenizer Tokenizer = SieveLm.Tokenizer();
    private static readonly PluginCatalog Plugins = new(Path.Combine(TestPaths.HostDir, "plugins"));

    private static BoundOperator Bind(string use, Dictionary<string, string>? options = null) =>
        OperatorBinder.Standalone(Plugins, "attention", use, options ?? []);

    private static GenerationRequest Request(string prompt, int maxNewTokens) =>
        new(Tokenizer.Encode(prompt), maxNewTokens, 0, 1, 0, [], []) { StopAtEndOfText = false };

    [Fact]
    public void Find_SieveLm_MatchesEveryLayerAndReadsTheCacheDirectly()
    {
        var model = OnnxModelFile.Read(Path.Combine(TestPaths.LmFolder, "model.onnx"));
        var (matches, unsupported) = AttentionFinder.Find(model);
        Assert.Empty(unsupported);
        Assert.Equal(8, matches.Count);
        Assert.All(matches, m =>
        {
            Assert.False(m.Attributes.KeyTransposed);
            Assert.StartsWith("present.", m.Key, StringComparison.Ordinal); // Unsqueeze and Transpose are gone: no copy
            Assert.StartsWith("present.", m.Value, StringComparison.Ordinal);
            Assert.NotNull(m.Mask);
            Assert.Equal(8, m.Nodes.Count);
        });
    }

    public static TheoryData<int> PrefillChunks => new() { 256, 7 };

    [Theory]
    [MemberData(nameof(PrefillChunks))]
    public void Dense_GreedyBatchOfDifferentLengths_GivesTheSameTokensAsTheModelsOwnGraph(int prefillChunk)
    {
        GenerationRequest[] requests =
        [
            Request("In the beginning", 16),
            Request("Now the word of the LORD came unto Jonah the son of Amittai, saying,", 16),
            Request("It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness,", 16),
            Request("Call me Ishmael.", 16),
        ];
        GenerationResult[] Generate(BoundOperator? attention)
        {
            using var model = SieveLm.Model(attention: attention);
            return new BatchGenerator(model, Tokenizer, new DenseKvCache(), prefillChunk).Generate(requests);
        }

        var reference = Generate(null);
        var dense = Generate(Bind("dense"));

        for (var i = 0; i < requests.Length; i++)
        {
            Assert.Equal(16, reference[i].Tokens.Count);
            Assert.Equal(reference[i].Tokens, dense[i].Tokens);
        }
    }

    [Fact]
    public void Dense_LeftPaddedPrefillAndDecode_LogitsMatchTheModelsOwnGraph()
    {
        var (prompts, steps) = (new[] { LongPrompt(300), LongPrompt(120) }, 4);
        var reference = LastLogits(null, prompts, steps, prefillChunk: 128);
        var dense = LastLogits(Bind("dense"), prompts, steps, prefillChunk: 128);
        var worst = 0f;
        for (var i = 0; i < reference.Count; i++)
        {
            worst = Math.Max(worst, Math.Abs(TensorPrimitives.MaxMagnitude(Subtract(reference[i], dense[i]))));
        }
        output.WriteLine($"max |logit difference| dense vs ORT: {worst:G3}");
        Assert.True(worst < 1e-3f, $"max |logit difference| {worst}");
    }

    [Fact]
    public void BlockSparse_LongPromptPrefillAndDecode_StaysCloseToDense()
    {
        var prompts = new[] { LongPrompt(300), LongPrompt(180) };
        const int steps = 6;
        var sparseOptions = new Dictionary<string, string>
        {
            ["DenseBelow"] = "0", ["BlockSize"] = "16", ["TopKBlocks"] = "6", ["CompressionKernel"] = "16", ["CompressionStride"] = "8",
        };
        var dense = LastLogits(Bind("dense"), prompts, steps, prefillChunk: 128);
        var sparse = LastLogits(Bind("block-sparse", sparseOptions), prompts, steps, prefillChunk: 128);
        var cosines = dense.Select((d, i) => TensorPrimitives.CosineSimilarity(d, sparse[i])).ToList();
        output.WriteLine($"block-sparse (BlockSize 16, TopKBlocks 6) vs dense, last-position logits: cosine min {cosines.Min():F4}, mean {cosines.Average():F4}");
        Assert.All(sparse, l => Assert.True(float.IsFinite(TensorPrimitives.Sum(l))));
        Assert.True(cosines.Min() >= 0.9f, $"cosines {string.Join(", ", cosines.Select(c => c.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.True(cosines.Min() < 0.99999f, "some blocks were really dropped");
    }

    [Fact]
    public void BlockSparse_StepsSharingOneRunContext_KeepPerLayerStateAndGiveTheSameLogits()
    {
        // generate shares one context across a batch's steps; the plugin then extends its key summaries per step.
        var prompts = new[] { LongPrompt(300), LongPrompt(180) };
        var sparseOptions = new Dictionary<string, string>
        {
            ["DenseBelow"] = "0", ["BlockSize"] = "16", ["TopKBlocks"] = "6", ["Selection"] = "compressed",
        };
        var attention = Bind("block-sparse", sparseOptions);
        var run = new OperatorRunContext(DeviceKind.Cpu);
        var shared = LastLogits(attention, prompts, 5, prefillChunk: 128, run);
        var fresh = LastLogits(attention, prompts, 5, prefillChunk: 128);

        Assert.True(run.TryGet<object>("attention/block-sparse/compressed/layer7", out _), "the operator kept no state in the shared context");
        Assert.Equal(fresh.Count, shared.Count);
        for (var i = 0; i < fresh.Count; i++)
        {
            Assert.Equal(fresh[i], shared[i]);
        }
    }

    [Fact]
    public void LayerReuse_PrefillAndDecodeInOneRun_ReusesEveryStepsChoiceAndStaysCloseToDense()
    {
        // The committed policy (layer 0 dense, 1, 5 and 7 computing, the rest reusing), small blocks so that 300 tokens choose.
        var prompts = new[] { LongPrompt(300), LongPrompt(180) };
        var options = new Dictionary<string, string>
        {
            ["Policy"] = Path.Combine(TestPaths.LmFolder, "layer-reuse.json"), ["DenseBelow"] = "0", ["BlockSize"] = "16", ["TopKBlocks"] = "6",
        };
        var policy = Sieve.Plugins.Attention.LayerReusePolicy.Read(options["Policy"]);
        var reusing = policy.Layers.Where(l => l.Mode == "reuse").Select(l => l.Layer).ToHashSet();
        var counts = new System.Collections.Concurrent.ConcurrentDictionary<string, double>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Sieve.Plugins.Attention.BlockSparse")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var selection = "";
            foreach (var tag in tags)
            {
                selection = tag.Key == "selection" ? (string)tag.Value! : selection;
            }
            counts.AddOrUpdate($"{instrument.Name}/{selection}", value, (_, sum) => sum + value);
        });
        listener.Start();

        var dense = LastLogits(Bind("dense"), prompts, 5, prefillChunk: 128);
        var reuse = LastLogits(Bind("layer-reuse", options), prompts, 5, prefillChunk: 128, new OperatorRunContext(DeviceKind.Cpu));
        listener.Dispose();

        var cosines = dense.Select((d, i) => TensorPrimitives.CosineSimilarity(d, reuse[i])).ToList();
        output.WriteLine($"layer-reuse vs dense, last-position logits: cosine min {cosines.Min():F4}; counters {string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}"))}");
        Assert.True(cosines.Min() >= 0.9f, $"cosines {string.Join(", ", cosines)}");
        Assert.True(cosines.Min() < 0.99999f, "some blocks were really dropped");
        Assert.True(counts.GetValueOrDefault("selections/reused") > 0, "no layer attended over a reused choice");
        Assert.Equal(0, counts.GetValueOrDefault("reuse.fallbacks/"));
        Assert.NotEmpty(reusing);
    }

    /// <summary>A prompt of about <paramref name="tokens"/> tokens made of the sample sentences.</summary>
    private static string LongPrompt(int tokens)
    {
        var text = "";
        foreach (var line in File.ReadLines(Path.Combine(TestPaths.SamplesDir, "sentences.jsonl")))
        {
            text += " " + JsonDocument.Parse(line).RootElement.GetProperty("text").GetString();
            if (Tokenizer.Encode(text).Length >= tokens)
            {
                break;
            }
        }
        return text.Trim();
    }

    /// <summary>
    /// Left-pads the prompts into one batch, prefills them in chunks (the later chunks run after a cache), then decodes
    /// <paramref name="steps"/> tokens (a fixed sequence, the same for every implementation); returns the logits of each
    /// row's last position after the prefill and after every decoding step.
    /// </summary>
    private static List<float[]> LastLogits(BoundOperator? attention, string[] prompts, int steps, int prefillChunk, OperatorRunContext? run = null)
    {
        using var model = SieveLm.Model(attention: attention);
        var encoded = prompts.Select(Tokenizer.Encode).ToArray();
        var (batch, length, vocabulary) = (encoded.Length, encoded.Max(e => e.Length), model.VocabularySize);
        var total = length + steps;
        var mask = new long[batch * total];
        for (var b = 0; b < batch; b++)
        {
            mask.AsSpan(b * total + length - encoded[b].Length, encoded[b].Length + steps).Fill(1);
        }
        using var cache = new DenseKvCache().Allocate(new KvCacheShape(model.Layers, batch, model.KeyValueHeads, total, model.HeadSize));
        var result = new List<float[]>();
        var logits = new float[batch * prefillChunk * vocabulary];
        for (var start = 0; start < total;)
        {
            var count = start < length ? Math.Min(prefillChunk, length - start) : 1;
            var (ids, positions, stepMask) = (new long[batch * count], new long[batch * count], new long[batch * (start + count)]);
            for (var b = 0; b < batch; b++)
            {
                var padding = length - encoded[b].Length;
                for (var t = 0; t < count; t++)
                {
                    var token = start + t - padding;
                    ids[b * count + t] = token < 0 ? Tokenizer.EndOfText : token < encoded[b].Length ? encoded[b][token] : 100 + token;
                    positions[b * count + t] = Math.Max(0, token);
                }
                mask.AsSpan(b * total, start + count).CopyTo(stepMask.AsSpan(b * (start + count)));
            }
            model.Run(ids, positions, stepMask, batch, count, cache, logits, run);
            cache.Advance(count);
            start += count;
            if (start >= length)
            {
                for (var b = 0; b < batch; b++)
                {
                    result.Add(logits.AsSpan((b * count + count - 1) * vocabulary, vocabulary).ToArray());
                }
            }
        }
        return result;
    }

    private static float[] Subtract(float[] a, float[] b)
    {
        var result = new float[a.Length];
        TensorPrimitives.Subtract(a, b, result);
        return result;
    }
}
