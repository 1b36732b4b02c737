using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Sieve.Abstractions;

namespace Sieve.Plugins.Attention.Tests;

/// <summary>
/// The per-query selections (<c>compressed</c>, <c>key-bounds</c>, <c>oracle</c>) on the CPU against
/// <see cref="NaiveBlockSelection"/> at small odd shapes (193 keys, head size 24, 3 query heads per key/value head):
/// the chosen blocks exactly and the attention within 1e-4; decoding token t chooses what prefill chose for query t;
/// the diagnostic counters add up to what the naive oracle says. One class, so its tests (which listen to the
/// process-wide meter) never run at the same time.
/// </summary>
public sealed class PerQueryBlockSparseAttentionTests
{
    public static TheoryData<string, SelectionCase> Cases()
    {
        var data = new TheoryData<string, SelectionCase>();
        foreach (var selection in new[] { BlockSelection.Compressed, BlockSelection.KeyBounds, BlockSelection.Oracle })
        {
            data.Add(selection, new SelectionCase(2, 6, 2, 193, 193, 24, true) { Padded = true });       // prefill, a left- and right-padded row
            data.Add(selection, new SelectionCase(1, 3, 1, 50, 193, 24, true));                          // a chunk after 143 cached keys
            data.Add(selection, new SelectionCase(1, 6, 2, 193, 193, 24, false) { Density = 0.3 });      // bidirectional, density budget
            data.Add(selection, new SelectionCase(1, 3, 1, 97, 193, 24, true) { Window = 0, KeepFirst = false, TopK = 3 });
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compute_PerQuerySelection_MatchesNaiveReference(string selection, SelectionCase c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var options = c.Options(selection);
        var (inputs, naive) = c.Build(options);
        var observed = new ConcurrentDictionary<(int, int, int), int[]>();
        var output = Run(options, c, inputs, (b, g, q, blocks) => observed[(b, g, q)] = blocks.ToArray());

        var dropped = 0;
        for (var b = 0; b < c.Batch; b++)
        {
            for (var g = 0; g < c.KvHeads; g++)
            {
                for (var i = 0; i < c.Queries; i++)
                {
                    if (naive.VisibleKeys(b, i) <= 0)
                    {
                        Assert.False(observed.ContainsKey((b, g, i)), $"query {i} of row {b} sees no key but chose blocks");
                        continue;
                    }
                    var scores = naive.Scores(b, g, i);
                    var (expected, _) = naive.Choose(b, i, scores);
                    Assert.True(observed.TryGetValue((b, g, i), out var actual), $"no choice for row {b}, head {g}, query {i}");
                    Assert.True(expected.SequenceEqual(actual),
                        $"row {b}, kv head {g}, query {i}: expected [{string.Join(",", expected)}], got [{string.Join(",", actual!)}]; scores [{string.Join(", ", scores.Select(s => s.ToString("G5")))}]");
                    dropped += scores.Length - expected.Length;
                    for (var h = g * naive.Group; h < (g + 1) * naive.Group; h++)
                    {
                        var reference = naive.Attend(b, h, i, expected);
                        for (var x = 0; x < c.HeadSize; x++)
                        {
                            var got = output[((b * c.Heads + h) * c.Queries + i) * c.HeadSize + x];
                            Assert.True(Math.Abs(got - reference[x]) < 1e-4, $"row {b}, head {h}, query {i}, feature {x}: expected {reference[x]}, got {got}");
                        }
                    }
                }
            }
        }
        Assert.True(dropped > 0, "the budget never dropped a block: the case does not test a selection");
    }

    [Theory]
    [InlineData(BlockSelection.Compressed)]
    [InlineData(BlockSelection.KeyBounds)]
    [InlineData(BlockSelection.Oracle)]
    public void Compute_Decode_ChoosesWhatPrefillChoseForThatQuery(string selection)
    {
        var c = new SelectionCase(1, 6, 2, 193, 193, 24, true);
        var options = c.Options(selection);
        var (inputs, _) = c.Build(options);
        var prefill = new ConcurrentDictionary<(int, int), int[]>();
        var prefillOutput = Run(options, c, inputs, (_, g, q, blocks) => prefill[(g, q)] = blocks.ToArray());
        foreach (var t in new[] { 0, 31, 64, 100, 129, 150, 192 })
        {
            foreach (var inPlace in new[] { false, true })
            {
                // Decode step t: one query per head; keys 0..t (or the whole buffer with only 0..t filled, an in-place cache).
                var step = c with { Queries = 1, Keys = inPlace ? c.Keys : t + 1 };
                var stepInputs = inputs.DecodeStep(c, t, step.Keys);
                var decoded = new ConcurrentDictionary<int, int[]>();
                var output = Run(options, step, stepInputs, (_, g, _, blocks) => decoded[g] = blocks.ToArray(),
                    keyEnds: inPlace ? [t + 1] : null, queryPosition: inPlace ? t : null);
                for (var g = 0; g < c.KvHeads; g++)
                {
                    Assert.Equal(prefill[(g, t)], decoded[g]);
                }
                for (var h = 0; h < c.Heads; h++)
                {
                    for (var x = 0; x < c.HeadSize; x++)
                    {
                        Assert.Equal(prefillOutput[(h * c.Queries + t) * c.HeadSize + x], output[h * c.HeadSize + x], 5);
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(BlockSelection.Compressed)]
    [InlineData(BlockSelection.KeyBounds)]
    [InlineData(BlockSelection.Oracle)]
    public void Compute_DecodeInOneRun_ExtendsTheKeptSummariesAndChoosesAsAFreshCallDoes(string selection)
    {
        // An in-place cache of 193 positions: a prefill chunk of 70 keys, then decode steps 70..192 in one run.
        var c = new SelectionCase(1, 6, 2, 193, 193, 24, true);
        var options = c.Options(selection);
        var (inputs, _) = c.Build(options);
        var run = new OperatorRunContext(DeviceKind.Cpu);
        var chunk = c with { Queries = 70 };
        var chunkQueries = new float[c.Heads * 70 * c.HeadSize];
        for (var h = 0; h < c.Heads; h++)
        {
            inputs.Query.AsSpan(h * c.Queries * c.HeadSize, 70 * c.HeadSize).CopyTo(chunkQueries.AsSpan(h * 70 * c.HeadSize));
        }
        Run(options, chunk, inputs with { Query = chunkQueries }, keyEnds: [70], queryPosition: 0, run: run);
        var key = $"attention/block-sparse/{selection}/layer0";
        Assert.True(run.TryGet<KeyHeadState?[]>(key, out var afterPrefill), "the run keeps no state for the layer");
        var kept = afterPrefill!.ToArray();
        Assert.All(kept, state => Assert.Equal(70, state!.Panel.Keys));

        for (var t = 70; t < c.Keys; t++)
        {
            var step = c with { Queries = 1 };
            var stepInputs = inputs.DecodeStep(c, t, c.Keys);
            var inRun = new ConcurrentDictionary<int, int[]>();
            var fresh = new ConcurrentDictionary<int, int[]>();
            var runOutput = Run(options, step, stepInputs, (_, g, _, blocks) => inRun[g] = blocks.ToArray(), keyEnds: [t + 1], queryPosition: t, run: run);
            var freshOutput = Run(options, step, stepInputs, (_, g, _, blocks) => fresh[g] = blocks.ToArray(), keyEnds: [t + 1], queryPosition: t);
            for (var g = 0; g < c.KvHeads; g++)
            {
                Assert.Equal(fresh[g], inRun[g]);
            }
            Assert.Equal(freshOutput, runOutput);
        }
        Assert.True(run.TryGet<KeyHeadState?[]>(key, out var afterDecode));
        for (var row = 0; row < kept.Length; row++)
        {
            Assert.Same(kept[row], afterDecode![row]);
            Assert.Equal(c.Keys, afterDecode[row]!.Panel.Keys);
        }
    }

    [Fact]
    public void Compute_KeysThatNoLongerMatchTheRunsState_AreSummarisedAfresh()
    {
        // A second sequence in the same run (its first keys differ) must not be scored with the first one's summaries.
        var c = new SelectionCase(1, 6, 2, 193, 193, 24, true);
        var options = c.Options(BlockSelection.Compressed);
        var (inputs, _) = c.Build(options);
        var run = new OperatorRunContext(DeviceKind.Cpu);
        var step = c with { Queries = 1 };
        Run(options, step, inputs.DecodeStep(c, 150, c.Keys), keyEnds: [151], queryPosition: 150, run: run);
        Assert.True(run.TryGet<KeyHeadState?[]>("attention/block-sparse/compressed/layer0", out var first));
        var firstStates = first!.ToArray();

        var other = inputs with { Key = inputs.Key.Select(x => -x).ToArray() };
        var inRun = Run(options, step, other.DecodeStep(c, 160, c.Keys), keyEnds: [161], queryPosition: 160, run: run);
        var fresh = Run(options, step, other.DecodeStep(c, 160, c.Keys), keyEnds: [161], queryPosition: 160);

        Assert.Equal(fresh, inRun);
        Assert.True(run.TryGet<KeyHeadState?[]>("attention/block-sparse/compressed/layer0", out var second));
        Assert.NotSame(firstStates[0], second![0]);
    }

    [Theory]
    [InlineData(BlockSelection.Compressed)]
    [InlineData(BlockSelection.KeyBounds)]
    [InlineData(BlockSelection.Oracle)]
    public void Diagnostics_Listening_PublishDensityAndOracleRecall(string selection)
    {
        var c = new SelectionCase(1, 6, 2, 193, 193, 24, true) { TopK = 5 };
        var options = c.Options(selection);
        var (inputs, naive) = c.Build(options);
        var oracle = c.Build(c.Options(BlockSelection.Oracle)).Naive;
        double visible = 0, chosen = 0, selections = 0, recall = 0, samples = 0, kept = 0, best = 0;
        for (var g = 0; g < c.KvHeads; g++)
        {
            for (var i = 0; i < c.Queries; i++)
            {
                var (blocks, _) = naive.Choose(0, i, naive.Scores(0, g, i));
                var masses = oracle.Scores(0, g, i);
                var (oracleBlocks, oraclePicked) = oracle.Choose(0, i, masses);
                visible += masses.Length;
                chosen += blocks.Length;
                if (masses.Length <= c.TopK)
                {
                    continue;
                }
                selections++;
                kept += blocks.Sum(b => masses[b]) / masses.Sum();
                best += oracleBlocks.Sum(b => masses[b]) / masses.Sum();
                if (oraclePicked.Length > 0)
                {
                    recall += (double)oraclePicked.Count(blocks.Contains) / oraclePicked.Length;
                    samples++;
                }
            }
        }

        var published = Listen(() => Run(options, c, inputs));

        Assert.Equal(visible, published["blocks.visible"]);
        Assert.Equal(chosen, published["blocks.chosen"]);
        Assert.Equal(selections, published["selections"]);
        Assert.Equal(samples, published["oracle.recall.samples"]);
        Assert.Equal(recall, published["oracle.recall"], 6);
        Assert.Equal(kept, published["oracle.mass.kept"], 4);
        Assert.Equal(best, published["oracle.mass.best"], 4);
        Assert.True(chosen < visible && samples > 0);
        if (selection == BlockSelection.Oracle)
        {
            Assert.Equal(samples, published["oracle.recall"], 9);
        }
    }

    [Fact]
    public void Compute_NotListening_PublishesNothingAndMatchesListening()
    {
        var c = new SelectionCase(1, 3, 1, 193, 193, 24, true);
        var options = c.Options(BlockSelection.Compressed);
        var (inputs, _) = c.Build(options);
        var quiet = Run(options, c, inputs);
        float[] loud = [];
        var published = Listen(() => loud = Run(options, c, inputs));

        Assert.Equal(quiet, loud);
        Assert.True(published["oracle.recall.samples"] > 0);
    }

    private static Dictionary<string, double> Listen(Action action)
    {
        var sums = new ConcurrentDictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == BlockSparseDiagnostics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => sums.AddOrUpdate(instrument.Name, value, (_, s) => s + value));
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => sums.AddOrUpdate(instrument.Name, value, (_, s) => s + value));
        listener.Start();
        action();
        return new Dictionary<string, double>(sums);
    }

    private static float[] Run(BlockSparseAttentionOptions options, SelectionCase c, Inputs inputs, SelectionObserver? observer = null,
        int[]? keyEnds = null, int? queryPosition = null, OperatorRunContext? run = null)
    {
        var output = new float[c.Batch * c.Heads * c.Queries * c.HeadSize];
        var shape = new AttentionShape(c.Heads, c.KvHeads, c.HeadSize, 1 / MathF.Sqrt(c.HeadSize), c.Causal, 0) { CausalOffset = queryPosition };
        var ends = keyEnds ?? inputs.Ends;
        new BlockSparseAttention(options) { Observer = observer }.Compute(new AttentionCall
        {
            Shape = shape,
            Query = new TensorView<float>(inputs.Query.AsMemory(), new TensorShape(c.Batch, c.Heads, c.Queries, c.HeadSize)),
            Key = new TensorView<float>(inputs.Key.AsMemory(), new TensorShape(c.Batch, c.KvHeads, c.Keys, c.HeadSize)),
            Value = new TensorView<float>(inputs.Value.AsMemory(), new TensorShape(c.Batch, c.KvHeads, c.Keys, c.HeadSize)),
            KeyStarts = new TensorView<int>(inputs.Starts.AsMemory(), new TensorShape(c.Batch)),
            KeyEnds = new TensorView<int>(ends.AsMemory(), new TensorShape(c.Batch)),
            Output = new TensorView<float>(output.AsMemory(), new TensorShape(c.Batch, c.Heads, c.Queries, c.HeadSize)),
            Context = run ?? new OperatorRunContext(DeviceKind.Cpu),
        });
        return output;
    }

    /// <summary>One call's inputs.</summary>
    public sealed record Inputs(float[] Query, float[] Key, float[] Value, int[] Starts, int[] Ends)
    {
        /// <summary>Decode step t of a one-row prefill: query t of every head, the first <paramref name="keys"/> keys of the buffer.</summary>
        public Inputs DecodeStep(SelectionCase c, int t, int keys)
        {
            ArgumentNullException.ThrowIfNull(c);
            var query = new float[c.Heads * c.HeadSize];
            for (var h = 0; h < c.Heads; h++)
            {
                Query.AsSpan((h * c.Queries + t) * c.HeadSize, c.HeadSize).CopyTo(query.AsSpan(h * c.HeadSize));
            }
            float[] Cut(float[] source)
            {
                var cut = new float[c.KvHeads * keys * c.HeadSize];
                for (var g = 0; g < c.KvHeads; g++)
                {
                    source.AsSpan(g * c.Keys * c.HeadSize, keys * c.HeadSize).CopyTo(cut.AsSpan(g * keys * c.HeadSize));
                }
                return cut;
            }
            return new Inputs(query, Cut(Key), Cut(Value), [0], [Math.Min(keys, t + 1)]);
        }
    }

    /// <summary>Sizes and options of one comparison (block size 16, so 193 keys make 13 blocks; compression 8/4, normaliser 32/16).</summary>
    public sealed record SelectionCase(int Batch, int Heads, int KvHeads, int Queries, int Keys, int HeadSize, bool Causal)
    {
        public int TopK { get; init; } = 5;

        public double Density { get; init; }

        public int Window { get; init; } = 1;

        public bool KeepFirst { get; init; } = true;

        public bool Padded { get; init; }

        public BlockSparseAttentionOptions Options(string selection) => new()
        {
            Selection = selection, BlockSize = 16, TopKBlocks = TopK, Density = Density, WindowBlocks = Window, KeepFirstBlock = KeepFirst,
            DenseBelow = 0, CompressionKernel = 8, CompressionStride = 4, NormalizerKernel = 32, NormalizerStride = 16,
        };

        internal (Inputs Inputs, NaiveBlockSelection Naive) Build(BlockSparseAttentionOptions options)
        {
            var random = new Random(Keys * 7 + Queries + HeadSize);
            float[] Fill(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
            var q = Fill(Batch * Heads * Queries * HeadSize);
            var k = Fill(Batch * KvHeads * Keys * HeadSize);
            var v = Fill(Batch * KvHeads * Keys * HeadSize);
            var starts = Enumerable.Range(0, Batch).Select(b => Padded && b == 1 ? 5 : 0).ToArray();
            var ends = Enumerable.Range(0, Batch).Select(b => Padded && b == 1 ? Keys - 3 : Keys).ToArray();
            return (new Inputs(q, k, v, starts, ends),
                new NaiveBlockSelection(q, k, v, Heads, KvHeads, Queries, Keys, HeadSize, starts, ends, Causal, null, options));
        }
    }
}
