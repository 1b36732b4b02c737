using ILGPU;

namespace Sieve.Kernels.Gpu;

/// <summary>
/// Flash attention in fp32 on the GPU: one group of <see cref="GpuTile.Threads"/> threads per 64 queries of one query
/// head; it walks the key tiles (64 keys, counted from the row's first valid key) with an online softmax, so scores
/// never leave the chip. Per tile: K is staged transposed in shared memory, each thread computes an 8 × 4 micro-tile of
/// QKᵀ in registers, the row maxima and sums go through half-warp shuffles, P goes to shared memory and each thread
/// accumulates an 8 × 8 micro-tile of PV (rows × head dimensions) in registers. K and V share one buffer, so the group
/// needs 4·(65·D + max(65·D, 64·128) + 64·65) bytes of dynamic shared memory (83 200 at D = 128: two groups per H100
/// multiprocessor).
/// </summary>
/// <remarks>
/// Launch: grid (⌈T / 64⌉, B·Hq, 1), group <see cref="GpuTile.Threads"/>, shared <see cref="SharedBytes"/>. Query tiles
/// run last-first, so causal groups with the most keys start first.
/// </remarks>
public static class FlashAttentionKernel
{
    /// <summary>Dynamic shared memory of one group for <paramref name="headSize"/>.</summary>
    public static int SharedBytes(int headSize) =>
        sizeof(float) * (headSize * GpuTile.Stride + GpuTile.KeyValueFloats(headSize) + GpuTile.Keys * GpuTile.Stride);

    /// <summary>The kernel (see the class remarks for the launch).</summary>
    /// <param name="query">[B, Hq, T, D], row-major.</param>
    /// <param name="key">[B, Hkv, S, D].</param>
    /// <param name="value">[B, Hkv, S, D].</param>
    /// <param name="output">[B, Hq, T, D], overwritten; a query that sees no key gets zeros.</param>
    /// <param name="keyStarts">[B]: row b sees keys from keyStarts[b] …</param>
    /// <param name="keyEnds">[B]: … to keyEnds[b] (exclusive).</param>
    /// <param name="blockOffsets">
    /// Empty for dense attention, else [B·Hkv·⌈T / 64⌉ + 1] CSR offsets into <paramref name="blockIndices"/>: the key
    /// blocks of (batch, kv head, query block) r are blockIndices[blockOffsets[r] .. blockOffsets[r + 1]).
    /// </param>
    /// <param name="blockIndices">Key-block ids (block k = keys keyStart + 64k …), ascending; ids outside the visible blocks (e.g. −1 padding) are skipped.</param>
    /// <param name="p">The sizes.</param>
    [GpuKernel]
    public static void Run(ArrayView<float> query, ArrayView<float> key, ArrayView<float> value, ArrayView<float> output,
        ArrayView<int> keyStarts, ArrayView<int> keyEnds, ArrayView<int> blockOffsets, ArrayView<int> blockIndices, FlashAttentionParameters p)
    {
        var shared = SharedMemory.GetDynamic<float>();
        var d = p.HeadSize;
        var queryTile = p.QueryTiles - 1 - Grid.IdxX;
        var batch = Grid.IdxY / p.QueryHeads;
        var head = Grid.IdxY - batch * p.QueryHeads;
        var kvHead = head / (p.QueryHeads / p.KeyValueHeads);
        var start = IntrinsicMath.Max(0, keyStarts[batch]);
        var end = IntrinsicMath.Min(p.KeyLength, keyEnds[batch]);
        var offset = p.CausalOffset;
        var firstQuery = queryTile * GpuTile.Rows;
        var validQueries = IntrinsicMath.Min(GpuTile.Rows, p.QueryLength - firstQuery);
        var visibleEnd = p.Causal != 0 ? IntrinsicMath.Min(end, firstQuery + validQueries + offset) : end;
        var tiles = visibleEnd > start ? (visibleEnd - start + GpuTile.Keys - 1) / GpuTile.Keys : 0;
        var rowGroup = GpuTile.RowGroup;
        var columnGroup = GpuTile.ColumnGroup;
        var kv = d * GpuTile.Stride;
        var probabilities = kv + GpuTile.KeyValueFloats(d);
        var queryBase = ((batch * p.QueryHeads + head) * p.QueryLength + firstQuery) * d;
        var kvBase = (batch * p.KeyValueHeads + kvHead) * p.KeyLength * d;
        // Row rg + 8i sees keys below min(end, limit + 8i).
        var limit = p.Causal != 0 ? firstQuery + rowGroup + offset + 1 : end;

        // Scores in base 2: Q is scaled by scale·log₂e once, so the softmax uses ex2.
        GpuTile.LoadTransposed(query, queryBase, validQueries, d, p.Scale * GpuTile.Log2E, shared, 0);
        var m = Vec8.Splat(float.NegativeInfinity);
        var l = Vec8.Splat(0f);
        var o0 = l;
        var o1 = l;
        var o2 = l;
        var o3 = l;
        var o4 = l;
        var o5 = l;
        var o6 = l;
        var o7 = l;
        var sparse = blockOffsets.IntLength > 0;
        var listRow = (batch * p.KeyValueHeads + kvHead) * p.QueryTiles + queryTile;
        var first = sparse ? blockOffsets[listRow] : 0;
        var last = sparse ? blockOffsets[listRow + 1] : tiles;
        for (var entry = first; entry < last; entry++)
        {
            var tile = sparse ? blockIndices[entry] : entry;
            if (tile < 0 || tile >= tiles)
            {
                continue; // uniform across the group: every thread reads the same entry
            }
            var tileStart = start + tile * GpuTile.Keys;
            Group.Barrier(); // the previous tile's PV is done with K/V and P
            GpuTile.LoadTransposed(key, kvBase + tileStart * d, end - tileStart, d, 1f, shared, kv);
            Group.Barrier();
            var s = GpuTile.Mask(GpuTile.Scores(shared, 0, kv, d, rowGroup, columnGroup), tileStart + columnGroup, end, limit);
            var mNew = Vec8.Max(m, GpuTile.RowMax(s));
            var mUse = Vec8.FiniteOrZero(mNew);
            var alpha = Vec8.Exp2(m, mUse);
            var pTile = GpuTile.Exp2(s, mUse);
            l = Vec8.Add(Vec8.Multiply(l, alpha), GpuTile.RowSum(pTile));
            m = mNew;
            o0 = Vec8.Multiply(o0, alpha);
            o1 = Vec8.Multiply(o1, alpha);
            o2 = Vec8.Multiply(o2, alpha);
            o3 = Vec8.Multiply(o3, alpha);
            o4 = Vec8.Multiply(o4, alpha);
            o5 = Vec8.Multiply(o5, alpha);
            o6 = Vec8.Multiply(o6, alpha);
            o7 = Vec8.Multiply(o7, alpha);
            GpuTile.StoreTransposed(shared, probabilities, pTile, rowGroup, columnGroup);
            Group.Barrier(); // every thread is done with K
            GpuTile.LoadRows(value, kvBase + tileStart * d, end - tileStart, d, shared, kv);
            Group.Barrier();
            // V rows are MaxHeadSize apart: dimensions cg + 16c past the head read finite garbage into columns never stored.
            var pAt = probabilities + rowGroup;
            var vAt = kv + columnGroup;
            for (var k = 0; k < GpuTile.Keys; k++)
            {
                var pk = Vec8.Load(shared.SubView(pAt, GpuTile.Rows - rowGroup), 0, GpuTile.RowGroups);
                var vk = shared.SubView(vAt, GpuTile.MaxHeadSize - columnGroup);
                o0 = Vec8.Fma(o0, pk, vk[0]);
                o1 = Vec8.Fma(o1, pk, vk[GpuTile.ColumnGroups]);
                o2 = Vec8.Fma(o2, pk, vk[2 * GpuTile.ColumnGroups]);
                o3 = Vec8.Fma(o3, pk, vk[3 * GpuTile.ColumnGroups]);
                o4 = Vec8.Fma(o4, pk, vk[4 * GpuTile.ColumnGroups]);
                o5 = Vec8.Fma(o5, pk, vk[5 * GpuTile.ColumnGroups]);
                o6 = Vec8.Fma(o6, pk, vk[6 * GpuTile.ColumnGroups]);
                o7 = Vec8.Fma(o7, pk, vk[7 * GpuTile.ColumnGroups]);
                pAt += GpuTile.Stride;
                vAt += GpuTile.MaxHeadSize;
            }
        }

        var inverse = Vec8.ReciprocalOrZero(l);
        var rows = validQueries - rowGroup;
        var at = queryBase + rowGroup * d;
        StoreColumn(output, at, d, columnGroup, rows, Vec8.Multiply(o0, inverse));
        StoreColumn(output, at, d, columnGroup + GpuTile.ColumnGroups, rows, Vec8.Multiply(o1, inverse));
        StoreColumn(output, at, d, columnGroup + 2 * GpuTile.ColumnGroups, rows, Vec8.Multiply(o2, inverse));
        StoreColumn(output, at, d, columnGroup + 3 * GpuTile.ColumnGroups, rows, Vec8.Multiply(o3, inverse));
        StoreColumn(output, at, d, columnGroup + 4 * GpuTile.ColumnGroups, rows, Vec8.Multiply(o4, inverse));
        StoreColumn(output, at, d, columnGroup + 5 * GpuTile.ColumnGroups, rows, Vec8.Multiply(o5, inverse));
        StoreColumn(output, at, d, columnGroup + 6 * GpuTile.ColumnGroups, rows, Vec8.Multiply(o6, inverse));
        StoreColumn(output, at, d, columnGroup + 7 * GpuTile.ColumnGroups, rows, Vec8.Multiply(o7, inverse));
    }

    /// <summary>Stores dimension <paramref name="column"/> of the thread's rows (8 apart; <paramref name="rows"/> of them exist, counted in steps of 1).</summary>
    private static void StoreColumn(ArrayView<float> output, int at, int d, int column, int rows, Vec8 values)
    {
        if (column >= d)
        {
            return;
        }
        var stride = GpuTile.RowGroups * d;
        at += column;
        if (rows > 0)
        {
            output[at] = values.X0;
        }
        if (rows > GpuTile.RowGroups)
        {
            output[at + stride] = values.X1;
        }
        if (rows > 2 * GpuTile.RowGroups)
        {
            output[at + 2 * stride] = values.X2;
        }
        if (rows > 3 * GpuTile.RowGroups)
        {
            output[at + 3 * stride] = values.X3;
        }
        if (rows > 4 * GpuTile.RowGroups)
        {
            output[at + 4 * stride] = values.X4;
        }
        if (rows > 5 * GpuTile.RowGroups)
        {
            output[at + 5 * stride] = values.X5;
        }
        if (rows > 6 * GpuTile.RowGroups)
        {
            output[at + 6 * stride] = values.X6;
        }
        if (rows > 7 * GpuTile.RowGroups)
        {
            output[at + 7 * stride] = values.X7;
        }
    }
}
