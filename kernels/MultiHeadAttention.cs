using System.Buffers;
using System.Collections.Concurrent;

namespace Sieve.Kernels;

/// <summary>
/// Multi-head (and grouped-query) attention on the CPU over row-major [B, H, S, D] buffers: work is split into
/// (batch, key/value head, block of queries) items spread over the cores; each item transposes its key and value head
/// once and runs <see cref="AttentionTile"/> over the ranges a <see cref="KeyRangePlanner"/> chooses. Thread-safe.
/// </summary>
public static class MultiHeadAttention
{
    /// <summary>Below this many multiply-adds the call runs on the calling thread (scheduling would cost more).</summary>
    private const long ParallelThreshold = 1 << 20;

    /// <summary>The planner of dense attention: every valid key.</summary>
    public static readonly KeyRangePlanner AllKeys = (_, _, _, _, keyLength, ranges) => ranges.Add(new KeyRange(0, keyLength));

    /// <summary>Computes attention into <paramref name="output"/> ([B, QueryHeads, QueryLength, HeadSize]).</summary>
    /// <param name="query">[B, QueryHeads, QueryLength, HeadSize].</param>
    /// <param name="key">[B, KeyValueHeads, KeyLength, HeadSize].</param>
    /// <param name="value">[B, KeyValueHeads, KeyLength, HeadSize].</param>
    /// <param name="output">[B, QueryHeads, QueryLength, HeadSize], overwritten.</param>
    /// <param name="dims">The sizes.</param>
    /// <param name="scale">Multiplier of the scores.</param>
    /// <param name="planner">Chooses the keys each query block sees (<see cref="AllKeys"/> for dense attention).</param>
    /// <param name="keyLengths">Valid keys per batch row (padding at the end is masked).</param>
    /// <param name="causal">Query i sees keys up to i + KeyLength − QueryLength (bottom-right aligned, as in decoding).</param>
    /// <param name="queryBlock">Queries per work item (and per planner call); a multiple of <see cref="AttentionTile.Rows"/>.</param>
    public static void Compute(ReadOnlyMemory<float> query, ReadOnlyMemory<float> key, ReadOnlyMemory<float> value, Memory<float> output,
        AttentionDims dims, ReadOnlyMemory<int> keyLengths, float scale, bool causal, int queryBlock, KeyRangePlanner planner)
    {
        ArgumentNullException.ThrowIfNull(planner);
        ArgumentOutOfRangeException.ThrowIfLessThan(queryBlock, AttentionTile.Rows);
        if (dims.QueryHeads % dims.KeyValueHeads != 0)
        {
            throw new ArgumentException($"{dims.QueryHeads} query heads are not a multiple of {dims.KeyValueHeads} key/value heads.", nameof(dims));
        }
        var blocks = (dims.QueryLength + queryBlock - 1) / queryBlock;
        var items = dims.Batch * dims.KeyValueHeads * blocks;
        var parallel = (long)dims.Batch * dims.QueryHeads * dims.QueryLength * dims.KeyLength * dims.HeadSize >= ParallelThreshold && items > 1;
        // Each key head is transposed once, then shared by all its query blocks.
        var panels = new HeadPanel[dims.Batch * dims.KeyValueHeads];
        void Transpose(int from, int to)
        {
            for (var i = from; i < to; i++)
            {
                var length = keyLengths.Span[i / dims.KeyValueHeads];
                panels[i] = new HeadPanel(key.Span.Slice(i * dims.KeyLength * dims.HeadSize, length * dims.HeadSize), length, dims.HeadSize);
            }
        }
        void Run(int from, int to)
        {
            var ranges = new List<KeyRange>();
            var rows = Math.Min(queryBlock, dims.QueryLength);
            var scratch = ArrayPool<float>.Shared.Rent(AttentionTile.ScratchLength(rows));
            var limits = ArrayPool<int>.Shared.Rent(rows);
            try
            {
                for (var item = from; item < to; item++)
                {
                    var block = item % blocks;
                    var head = item / blocks % dims.KeyValueHeads;
                    var batch = item / blocks / dims.KeyValueHeads;
                    ComputeItem(query.Span, value.Span, output.Span, panels[batch * dims.KeyValueHeads + head], dims, batch, head, block * queryBlock,
                        Math.Min(dims.QueryLength, (block + 1) * queryBlock), keyLengths.Span[batch], scale, causal, planner, ranges, scratch, limits);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scratch);
                ArrayPool<int>.Shared.Return(limits);
            }
        }
        try
        {
            if (parallel)
            {
                Parallel.ForEach(Partitioner.Create(0, panels.Length, Math.Max(1, panels.Length / (Environment.ProcessorCount * 4))), r => Transpose(r.Item1, r.Item2));
                Parallel.ForEach(Partitioner.Create(0, items, Math.Max(1, items / (Environment.ProcessorCount * 4))), r => Run(r.Item1, r.Item2));
            }
            else
            {
                Transpose(0, panels.Length);
                Run(0, items);
            }
        }
        finally
        {
            foreach (var panel in panels)
            {
                panel?.Dispose();
            }
        }
    }

    private static void ComputeItem(ReadOnlySpan<float> query, ReadOnlySpan<float> value, Span<float> output, HeadPanel keyPanel,
        AttentionDims dims, int batch, int kvHead, int queryStart, int queryEnd, int keyLength, float scale, bool causal,
        KeyRangePlanner planner, List<KeyRange> ranges, float[] scratch, int[] limits)
    {
        var d = dims.HeadSize;
        var headValues = value.Slice(((batch * dims.KeyValueHeads) + kvHead) * dims.KeyLength * d, keyLength * d);
        ranges.Clear();
        planner(batch, kvHead, queryStart, queryEnd, keyLength, ranges);
        var rows = queryEnd - queryStart;
        for (var r = 0; r < rows; r++)
        {
            limits[r] = causal ? queryStart + r + 1 + dims.KeyLength - dims.QueryLength : int.MaxValue;
        }
        for (var h = kvHead * dims.Group; h < (kvHead + 1) * dims.Group; h++)
        {
            var offset = (((batch * dims.QueryHeads) + h) * dims.QueryLength + queryStart) * d;
            AttentionTile.Compute(query.Slice(offset, rows * d), rows, keyPanel, headValues, ranges.AsSpan(), limits.AsSpan(0, rows),
                scale, output.Slice(offset, rows * d), scratch);
        }
    }
}
