using System.Buffers;
using Sieve.Abstractions;
using Sieve.Kernels;

namespace Sieve.Plugins.Attention;

/// <summary>
/// Block-sparse attention with one choice per query token and key/value head (InfLLM-V2's "token-level query,
/// block-level key"): every query scores the blocks it sees with the configured <see cref="IBlockScorer"/>,
/// <see cref="BlockBudget"/> keeps its forced blocks and best scores, and exact attention runs over those blocks for the
/// group's query heads at once. A query's choice depends only on its own vector and the keys it sees, so decoding token t
/// chooses what prefill chose for query t. Given the run's <see cref="OperatorRunContext"/>, the key panels and the
/// selection's key summaries live there per layer (<see cref="KeyHeadState"/>) and a decode step adds only its new
/// keys. Thread-safe; calls for one layer of one run come one after another (ORT runs the graph's nodes in order).
/// </summary>
internal sealed class PerQueryBlockSparseAttention(BlockSparseAttentionOptions options)
{
    /// <summary>Below this many multiply-adds a call runs on the calling thread.</summary>
    private const long ParallelThreshold = 1 << 20;

    /// <summary>The options.</summary>
    public BlockSparseAttentionOptions Options => options;

    /// <summary>Sees every choice (tests); null costs nothing.</summary>
    public SelectionObserver? Observer { get; init; }

    /// <summary>Computes attention (layouts as <see cref="MultiHeadAttention.Compute(ReadOnlyMemory{float}, ReadOnlyMemory{float}, ReadOnlyMemory{float}, Memory{float}, AttentionDims, ReadOnlyMemory{int}, ReadOnlyMemory{int}, float, bool, int, KeyRangePlanner)"/>).</summary>
    /// <param name="run">Where the key panels and the selection's key summaries live between calls (per layer); null keeps them for this call only.</param>
    /// <param name="record">Receives every query's chosen blocks (a layer whose choice later layers reuse).</param>
    /// <param name="reuse">Blocks chosen by another layer for a call of the same geometry: attended over instead of choosing.</param>
    public void Compute(ReadOnlyMemory<float> query, ReadOnlyMemory<float> key, ReadOnlyMemory<float> value, Memory<float> output,
        AttentionDims dims, int[] starts, int[] ends, float scale, bool causal, int layer = 0, OperatorRunContext? run = null,
        BlockChoices? record = null, BlockChoices? reuse = null)
    {
        var clock = System.Diagnostics.Stopwatch.GetTimestamp();
        var rows = dims.Batch * dims.KeyValueHeads;
        var states = run is null ? new KeyHeadState?[rows]
            : run.GetOrAdd($"attention/block-sparse/{options.Selection}/layer{layer}", () => new KeyHeadState?[rows]);
        if (states.Length != rows)
        {
            states = new KeyHeadState?[rows]; // another batch shape in the same run: nothing carries over
        }
        var panels = new HeadPanel[rows];
        var scorers = new IBlockScorer[rows];
        var measure = BlockSparseDiagnostics.OracleEnabled;
        var oracles = measure && options.Selection != BlockSelection.Oracle ? new IBlockScorer[rows] : null;
        var bounds = new KeyRange[rows];
        var d = dims.HeadSize;
        ParallelWork.For(rows, row =>
        {
            var batch = row / dims.KeyValueHeads;
            var end = Math.Clamp(ends[batch], 0, dims.KeyLength);
            var start = Math.Clamp(starts.Length == 0 ? 0 : starts[batch], 0, end);
            bounds[row] = new KeyRange(start, end);
            var head = key.Span.Slice(row * dims.KeyLength * d, end * d);
            var state = states[row];
            if (state is null || !state.Continues(head, start, end, dims.KeyLength))
            {
                var panel = new HeadPanel(dims.KeyLength, d);
                state = new KeyHeadState(dims.KeyLength, d, start, CreateScorer(options.Selection, dims.KeyLength - start, panel, start, dims.Group, scale), panel);
                states[row] = state;
            }
            state.Extend(head, end, summaries: reuse is null); // a reusing layer needs only its own keys
            panels[row] = state.Panel;
            scorers[row] = state.Scorer;
            if (oracles is not null)
            {
                oracles[row] = CreateScorer(BlockSelection.Oracle, end - start, panels[row], start, dims.Group, scale);
            }
        });
        var items = rows * dims.QueryLength;
        var work = (long)dims.Batch * dims.QueryHeads * dims.QueryLength * dims.KeyLength * d;
        var total = new SelectionTally { SelectionTicks = reuse is null ? System.Diagnostics.Stopwatch.GetTimestamp() - clock : 0 };
        var item = new Item(this, query, value, output, dims, panels, scorers, oracles, bounds, scale, causal, total) { Record = record, Reuse = reuse };
        if (work >= ParallelThreshold && items > 1)
        {
            ParallelWork.ForRanges(items, Environment.ProcessorCount * 8, item.Run);
        }
        else
        {
            item.Run(0, items);
        }
        if (BlockSparseDiagnostics.DensityEnabled || measure)
        {
            total.Publish(reuse is null ? options.Selection : "reused", dims.QueryLength == 1 ? "decode" : "prefill", layer);
        }
    }

    private IBlockScorer CreateScorer(string selection, int capacity, HeadPanel panel, int keyStart, int group, float scale) =>
        selection switch
        {
            BlockSelection.Compressed => new CompressedBlockScorer(capacity, panel.HeadSize, group, scale, options),
            BlockSelection.KeyBounds => new KeyBoundsBlockScorer(capacity, panel.HeadSize, group, scale, options.BlockSize),
            BlockSelection.Oracle => new OracleBlockScorer(panel, keyStart, group, scale, options.BlockSize),
            _ => throw new InvalidOperationException($"selection '{selection}' is not a per-query selection"),
        };

    /// <summary>The work of one call: (row, query) items, run in ranges by the workers.</summary>
    private sealed class Item(PerQueryBlockSparseAttention owner, ReadOnlyMemory<float> query, ReadOnlyMemory<float> value, Memory<float> output,
        AttentionDims dims, HeadPanel[] panels, IBlockScorer[] scorers, IBlockScorer[]? oracles, KeyRange[] bounds, float scale, bool causal,
        SelectionTally total)
    {
        public BlockChoices? Record { get; init; }

        public BlockChoices? Reuse { get; init; }

        public void Run(int from, int to)
        {
            var options = owner.Options;
            var d = dims.HeadSize;
            var group = dims.Group;
            var maxBlocks = (dims.KeyLength + options.BlockSize - 1) / options.BlockSize + 1;
            var queries = new float[group * d];
            var result = new float[group * d];
            var scores = new float[maxBlocks];
            var masses = oracles is null ? scores : new float[maxBlocks];
            var choice = new byte[maxBlocks];
            var oracleChoice = new byte[maxBlocks];
            var chosen = new int[maxBlocks];
            var ranges = new List<KeyRange>();
            var scratch = ArrayPool<float>.Shared.Rent(AttentionTile.ScratchLength(group));
            var tally = new SelectionTally();
            Span<int> limits = group <= 64 ? stackalloc int[group] : new int[group];
            limits.Fill(int.MaxValue);
            var measure = oracles is not null || (options.Selection == BlockSelection.Oracle && BlockSparseDiagnostics.OracleEnabled);
            var timed = BlockSparseDiagnostics.SelectionSeconds.Enabled; // two clock reads per query only for a listener
            try
            {
                for (var item = from; item < to; item++)
                {
                    var row = item / dims.QueryLength;
                    var q = item % dims.QueryLength;
                    var batch = row / dims.KeyValueHeads;
                    var kvHead = row % dims.KeyValueHeads;
                    var (start, end) = (bounds[row].Start, bounds[row].End);
                    var position = q + dims.CausalOffset - start;
                    var visibleKeys = causal ? Math.Min(end - start, position + 1) : end - start;
                    var firstHead = batch * dims.QueryHeads + kvHead * group;
                    if (visibleKeys <= 0)
                    {
                        for (var h = 0; h < group; h++)
                        {
                            output.Span.Slice(((firstHead + h) * dims.QueryLength + q) * d, d).Clear();
                        }
                        continue;
                    }
                    for (var h = 0; h < group; h++)
                    {
                        query.Span.Slice(((firstHead + h) * dims.QueryLength + q) * d, d).CopyTo(queries.AsSpan(h * d, d));
                    }
                    var visible = (visibleKeys + options.BlockSize - 1) / options.BlockSize;
                    var diagonal = Math.Clamp(position / options.BlockSize, 0, visible - 1);
                    var kept = 0;
                    if (Reuse is null)
                    {
                        var clock = timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
                        scorers[row].Score(queries, visibleKeys, scores.AsSpan(0, visible));
                        kept = BlockBudget.Choose(scores, visible, diagonal, causal, options, choice);
                        tally.SelectionTicks += timed ? System.Diagnostics.Stopwatch.GetTimestamp() - clock : 0;
                    }
                    else
                    {
                        Array.Clear(choice, 0, visible);
                        foreach (var block in Reuse.Get(row, q) ?? [])
                        {
                            choice[block] = BlockBudget.Picked;
                            kept++;
                        }
                    }
                    var count = 0;
                    ranges.Clear();
                    for (var block = 0; block < visible; block++)
                    {
                        if (choice[block] == BlockBudget.Dropped)
                        {
                            continue;
                        }
                        chosen[count++] = block;
                        var range = new KeyRange(start + block * options.BlockSize, start + Math.Min(visibleKeys, (block + 1) * options.BlockSize));
                        if (ranges.Count > 0 && ranges[^1].End == range.Start)
                        {
                            ranges[^1] = new KeyRange(ranges[^1].Start, range.End);
                        }
                        else
                        {
                            ranges.Add(range);
                        }
                    }
                    AttentionTile.Compute(queries, group, panels[row], value.Span.Slice(row * dims.KeyLength * d, end * d), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ranges), limits, scale,
                        result, scratch);
                    for (var h = 0; h < group; h++)
                    {
                        result.AsSpan(h * d, d).CopyTo(output.Span.Slice(((firstHead + h) * dims.QueryLength + q) * d, d));
                    }
                    owner.Observer?.Invoke(batch, kvHead, q, chosen.AsSpan(0, count));
                    Record?.Set(row, q, chosen.AsSpan(0, count));
                    tally.Visible += visible;
                    tally.Chosen += kept;
                    if (visible > BlockBudget.Budget(options, visible))
                    {
                        tally.Selections++;
                        if (measure)
                        {
                            oracles?[row].Score(queries, visibleKeys, masses.AsSpan(0, visible));
                            CompareWithOracle(masses.AsSpan(0, visible), choice, oracleChoice, diagonal, causal, options, tally);
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
            total.Add(tally);
        }

        private static void CompareWithOracle(ReadOnlySpan<float> masses, ReadOnlySpan<byte> choice, Span<byte> oracleChoice, int diagonal, bool causal,
            BlockSparseAttentionOptions options, SelectionTally tally)
        {
            var visible = masses.Length;
            BlockBudget.Choose(masses, visible, diagonal, causal, options, oracleChoice);
            double all = 0, kept = 0, best = 0;
            int picked = 0, found = 0;
            for (var block = 0; block < visible; block++)
            {
                all += masses[block];
                kept += choice[block] != BlockBudget.Dropped ? masses[block] : 0;
                best += oracleChoice[block] != BlockBudget.Dropped ? masses[block] : 0;
                if (oracleChoice[block] == BlockBudget.Picked)
                {
                    picked++;
                    found += choice[block] != BlockBudget.Dropped ? 1 : 0;
                }
            }
            if (all > 0)
            {
                tally.MassKept += kept / all;
                tally.MassBest += best / all;
            }
            if (picked > 0)
            {
                tally.Recall += (double)found / picked;
                tally.RecallSamples++;
            }
        }
    }
}
