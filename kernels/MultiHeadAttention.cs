using System.Buffers;

namespace Sieve.Kernels;

/// <summary>
/// Multi-head (and grouped-query) attention on the CPU over row-major [B, H, S, D] buffers: work is split into
/// (batch, key/value head, block of queries) items spread over the cores; each item transposes its key and value head
/// once and runs <see cref="AttentionTile"/> over the ranges a <see cref="KeyRangePlanner"/> chooses. When all queries
/// fit in one block (decoding, short chunks), the query heads of a key/value group are stacked into one tile of
/// group × queries rows, so even one query per head fills the micro-kernel. Thread-safe.
/// </summary>
public static class MultiHeadAttention
{
    /// <summary>Below this many multiply-adds the call runs on the calling thread (scheduling would cost more).</summary>
    private const long ParallelThreshold = 1 << 20;

    /// <summary>The planner of dense attention: every valid key.</summary>
    public static readonly KeyRangePlanner AllKeys = (_, _, _, _, keyStart, keyEnd, ranges) => ranges.Add(new KeyRange(keyStart, keyEnd));

    /// <summary>Computes attention into <paramref name="output"/> with keys [0, keyLengths[b]) valid in row b.</summary>
    /// <inheritdoc cref="Compute(ReadOnlyMemory{float}, ReadOnlyMemory{float}, ReadOnlyMemory{float}, Memory{float}, AttentionDims, ReadOnlyMemory{int}, ReadOnlyMemory{int}, float, bool, int, KeyRangePlanner)"/>
    public static void Compute(ReadOnlyMemory<float> query, ReadOnlyMemory<float> key, ReadOnlyMemory<float> value, Memory<float> output,
        AttentionDims dims, ReadOnlyMemory<int> keyLengths, float scale, bool causal, int queryBlock, KeyRangePlanner planner) =>
        Compute(query, key, value, output, dims, default, keyLengths, scale, causal, queryBlock, planner);

    /// <summary>Computes attention into <paramref name="output"/> ([B, QueryHeads, QueryLength, HeadSize]).</summary>
    /// <param name="query">[B, QueryHeads, QueryLength, HeadSize]; query head h belongs to key/value head h / Group.</param>
    /// <param name="key">[B, KeyValueHeads, KeyLength, HeadSize].</param>
    /// <param name="value">[B, KeyValueHeads, KeyLength, HeadSize].</param>
    /// <param name="output">[B, QueryHeads, QueryLength, HeadSize], overwritten; a query that sees no key gets zeros.</param>
    /// <param name="dims">The sizes.</param>
    /// <param name="keyStarts">First valid key per batch row (left padding); empty for 0 everywhere.</param>
    /// <param name="keyEnds">One past the last valid key per batch row (right padding).</param>
    /// <param name="scale">Multiplier of the scores.</param>
    /// <param name="causal">Query i sees keys up to i + <see cref="AttentionDims.CausalOffset"/> (by default KeyLength − QueryLength: bottom-right aligned, a KV cache of that many keys precedes the queries).</param>
    /// <param name="queryBlock">Queries per work item (and per planner call); a multiple of <see cref="AttentionTile.Rows"/>.</param>
    /// <param name="planner">Chooses the keys each query block sees (<see cref="AllKeys"/> for dense attention).</param>
    public static void Compute(ReadOnlyMemory<float> query, ReadOnlyMemory<float> key, ReadOnlyMemory<float> value, Memory<float> output,
        AttentionDims dims, ReadOnlyMemory<int> keyStarts, ReadOnlyMemory<int> keyEnds, float scale, bool causal, int queryBlock, KeyRangePlanner planner)
    {
        ArgumentNullException.ThrowIfNull(planner);
        ArgumentOutOfRangeException.ThrowIfLessThan(queryBlock, AttentionTile.Rows);
        if (dims.QueryHeads % dims.KeyValueHeads != 0)
        {
            throw new ArgumentException($"{dims.QueryHeads} query heads are not a multiple of {dims.KeyValueHeads} key/value heads.", nameof(dims));
        }
        if ((!keyStarts.IsEmpty && keyStarts.Length != dims.Batch) || keyEnds.Length != dims.Batch)
        {
            throw new ArgumentException($"key bounds must have one entry per batch row ({dims.Batch}).", nameof(keyEnds));
        }
        var blocks = (dims.QueryLength + queryBlock - 1) / queryBlock;
        var items = dims.Batch * dims.KeyValueHeads * blocks;
        var parallel = (long)dims.Batch * dims.QueryHeads * dims.QueryLength * dims.KeyLength * dims.HeadSize >= ParallelThreshold && items > 1;
        // One block of queries: the group's heads run as one tile of Group × QueryLength rows.
        var tileRows = blocks == 1 ? dims.Group * dims.QueryLength : queryBlock;
        // Each key head is transposed once, then shared by all its query blocks.
        var panels = new HeadPanel[dims.Batch * dims.KeyValueHeads];
        void Transpose(int from, int to)
        {
            for (var i = from; i < to; i++)
            {
                var length = keyEnds.Span[i / dims.KeyValueHeads];
                panels[i] = new HeadPanel(key.Span.Slice(i * dims.KeyLength * dims.HeadSize, length * dims.HeadSize), length, dims.HeadSize);
            }
        }
        void Run(int from, int to)
        {
            var ranges = new List<KeyRange>();
            var scratch = ArrayPool<float>.Shared.Rent(AttentionTile.ScratchLength(tileRows));
            var limits = ArrayPool<int>.Shared.Rent(tileRows);
            try
            {
                for (var item = from; item < to; item++)
                {
                    var block = item % blocks;
                    var head = item / blocks % dims.KeyValueHeads;
                    var batch = item / blocks / dims.KeyValueHeads;
                    var bounds = new KeyRange(keyStarts.IsEmpty ? 0 : keyStarts.Span[batch], keyEnds.Span[batch]);
                    ComputeItem(query.Span, value.Span, output.Span, panels[batch * dims.KeyValueHeads + head], dims, batch, head, block * queryBlock,
                        Math.Min(dims.QueryLength, (block + 1) * queryBlock), bounds, scale, causal, planner, ranges, scratch, limits);
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
                ParallelWork.ForRanges(panels.Length, Environment.ProcessorCount * 4, Transpose);
                ParallelWork.ForRanges(items, Environment.ProcessorCount * 4, Run);
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
        AttentionDims dims, int batch, int kvHead, int queryStart, int queryEnd, KeyRange bounds, float scale, bool causal,
        KeyRangePlanner planner, List<KeyRange> ranges, float[] scratch, int[] limits)
    {
        var d = dims.HeadSize;
        var headValues = value.Slice(((batch * dims.KeyValueHeads) + kvHead) * dims.KeyLength * d, bounds.End * d);
        var offset = dims.CausalOffset;
        ranges.Clear();
        if (bounds.End > bounds.Start)
        {
            planner(batch, kvHead, queryStart, queryEnd, bounds.Start, bounds.End, ranges);
        }
        // Never past the row's valid keys, nor past what the block's last query may see.
        Clip(ranges, bounds.Start, causal ? Math.Min(bounds.End, queryEnd + offset) : bounds.End);
        var rows = queryEnd - queryStart;
        for (var r = 0; r < rows; r++)
        {
            limits[r] = causal ? queryStart + r + 1 + offset : int.MaxValue;
        }
        var firstHead = kvHead * dims.Group;
        if (rows == dims.QueryLength)
        {
            // The whole group at once: row g·QueryLength + t is query t of head firstHead + g (contiguous in [B, H, S, D]).
            for (var r = rows; r < dims.Group * rows; r++)
            {
                limits[r] = limits[r % rows];
            }
            var offsetAll = (batch * dims.QueryHeads + firstHead) * dims.QueryLength * d;
            var count = dims.Group * rows;
            AttentionTile.Compute(query.Slice(offsetAll, count * d), count, keyPanel, headValues, ranges.AsSpan(), limits.AsSpan(0, count),
                scale, output.Slice(offsetAll, count * d), scratch);
            return;
        }
        for (var h = firstHead; h < firstHead + dims.Group; h++)
        {
            var at = (((batch * dims.QueryHeads) + h) * dims.QueryLength + queryStart) * d;
            AttentionTile.Compute(query.Slice(at, rows * d), rows, keyPanel, headValues, ranges.AsSpan(), limits.AsSpan(0, rows),
                scale, output.Slice(at, rows * d), scratch);
        }
    }

    /// <summary>Cuts every range to [<paramref name="start"/>, <paramref name="end"/>) and drops the empty ones.</summary>
    private static void Clip(List<KeyRange> ranges, int start, int end)
    {
        var kept = 0;
        for (var i = 0; i < ranges.Count; i++)
        {
            var range = new KeyRange(Math.Max(start, ranges[i].Start), Math.Min(end, ranges[i].End));
            if (range.Length > 0)
            {
                ranges[kept++] = range;
            }
        }
        ranges.RemoveRange(kept, ranges.Count - kept);
    }
}
