using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;

namespace Sieve.Kernels.Gpu;

/// <summary>
/// A faster variant of <see cref="FlashAttentionKernel"/> (same arguments and results) for head sizes 4, 8, 16, 32, 64
/// and 128. Same work split (a group of 128 threads per 64 queries of one query head, 64-key tiles, thread micro-tiles
/// of 8 rows × 4 keys and 8 rows × 8 dimensions, rows rg + 8i, keys cg + 16j as <see cref="GpuTile"/>), but every
/// shared-memory access moves 16 bytes (<see cref="Float4"/> views marked 16-byte aligned, which ILGPU turns into
/// <c>ld/st.shared.v4.f32</c>) from layouts that need no transposition:
/// <list type="bullet">
/// <item>Q and K stay [row][dimension] with rows of 132 floats (the 4-float pad spreads the 16 keys a half-warp reads over
/// all banks); scores accumulate 4-dimension dot products: per 4 dimensions 12 vector loads feed 128 FMAs (the old kernel:
/// 48 scalar loads).</item>
/// <item>P is stored [key][slot] with slot rg·8 + i, so a thread's 8 probabilities of a key are two vector loads; V stays
/// [key][dimension] (128 floats a row) and the thread's dimensions are 4·cg + 64·h + x (h &lt; 2, x &lt; 4): per key 4 vector
/// loads feed 64 FMAs (the old kernel: 16 scalar loads).</item>
/// <item>Global loads are 16-byte vector loads into registers (<see cref="Float4Tile"/>); the next tile's K is loaded
/// before this tile's P·V and stored after it, so its latency hides behind the FMAs. (V is loaded after the scores: held
/// in registers across them it spills, and the second group on the multiprocessor covers that wait.) Heads of at most 64
/// dimensions skip the upper half of P·V.</item>
/// </list>
/// K and V share one buffer, so a key tile costs 4 barriers. Dynamic shared memory: 84 992 bytes whatever the head size
/// (two groups per H100 multiprocessor); ptxas (sm_90): 254 registers, no stack, no spills.
/// </summary>
/// <remarks>
/// Launch: grid (⌈T / 64⌉, B·Hq, 1), group 128, shared <see cref="SharedBytes"/>. Query tiles run last-first. The tensors'
/// device addresses must be 16-byte aligned (any allocation is).
/// </remarks>
public static class FlashAttentionFastKernel
{
    /// <summary>Float4s of a Q or K row in shared memory (132 floats).</summary>
    private const int RowStride = 33;

    /// <summary>Float4s of a V row in shared memory (128 floats).</summary>
    private const int ValueStride = 32;

    /// <summary>Float4s of a P row (one key, 64 slots + 4 pad).</summary>
    private const int ProbabilityStride = 17;

    private const int KeyValueAt = GpuTile.Rows * RowStride;
    private const int ProbabilitiesAt = KeyValueAt + GpuTile.Keys * RowStride;
    private const int SharedFloat4s = ProbabilitiesAt + GpuTile.Keys * ProbabilityStride;

    /// <summary>Dynamic shared memory of one group (independent of the head size).</summary>
    public const int SharedBytes = SharedFloat4s * 16;

    /// <summary>Whether the kernel supports <paramref name="headSize"/> (4, 8, 16, 32, 64 or 128).</summary>
    public static bool SupportsHeadSize(int headSize) =>
        headSize is >= 4 and <= GpuTile.MaxHeadSize && (headSize & (headSize - 1)) == 0;

    /// <summary>The kernel; arguments and results as <see cref="FlashAttentionKernel.Run"/>.</summary>
    [GpuKernel]
    public static void Run(ArrayView<float> query, ArrayView<float> key, ArrayView<float> value, ArrayView<float> output,
        ArrayView<int> keyStarts, ArrayView<int> keyEnds, ArrayView<int> blockOffsets, ArrayView<int> blockIndices, FlashAttentionParameters p)
    {
        var shared = SharedMemory.GetDynamic<Float4>().AsAligned(16);
        var q4 = query.Cast<Float4>().AsAligned(16);
        var k4 = key.Cast<Float4>().AsAligned(16);
        var v4 = value.Cast<Float4>().AsAligned(16);
        var d4 = p.HeadSize >> 2;
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
        var queryBase = ((batch * p.QueryHeads + head) * p.QueryLength + firstQuery) * d4;
        var kvBase = (batch * p.KeyValueHeads + kvHead) * p.KeyLength * d4;
        // Row rg + 8i sees keys below min(end, limit + 8i).
        var limit = p.Causal != 0 ? firstQuery + rowGroup + offset + 1 : end;

        // Scores in base 2: Q is scaled by scale·log₂e once, so the softmax uses ex2.
        Float4Tile.Load(q4, queryBase, validQueries, d4).Store(shared, 0, RowStride, d4, p.Scale * GpuTile.Log2E);

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
        var last = sparse ? blockOffsets[listRow + 1] : tiles;
        var entry = NextEntry(blockIndices, sparse, sparse ? blockOffsets[listRow] : 0, last, tiles);
        var tile = entry < last ? (sparse ? blockIndices[entry] : entry) : 0;
        var keys = Float4Tile.Load(k4, kvBase + (start + tile * GpuTile.Keys) * d4, end - start - tile * GpuTile.Keys, d4);
        while (entry < last)
        {
            var tileStart = start + tile * GpuTile.Keys;
            Group.Barrier(); // the previous tile's P·V is done with V and P
            keys.Store(shared, KeyValueAt, RowStride, d4, 1f);
            Group.Barrier();
            var s = GpuTile.Mask(Scores(shared, d4, rowGroup, columnGroup), tileStart + columnGroup, end, limit);
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
            StoreProbabilities(shared, pTile, rowGroup, columnGroup);
            Group.Barrier(); // every thread is done with K
            Float4Tile.Load(v4, kvBase + tileStart * d4, end - tileStart, d4).Store(shared, KeyValueAt, ValueStride, d4, 1f);
            Group.Barrier();
            entry = NextEntry(blockIndices, sparse, entry + 1, last, tiles);
            if (entry < last)
            {
                tile = sparse ? blockIndices[entry] : entry;
                keys = Float4Tile.Load(k4, kvBase + (start + tile * GpuTile.Keys) * d4, end - start - tile * GpuTile.Keys, d4);
            }
            // o_{h·4+x} holds dimension 4·cg + 64·h + x; dimensions past the head read finite values into columns never stored.
            // Heads of at most 64 dimensions (h = 0 only) skip the second half.
            if (d4 > GpuTile.ColumnGroups)
            {
                AccumulateValues(shared, rowGroup, columnGroup, true, ref o0, ref o1, ref o2, ref o3, ref o4, ref o5, ref o6, ref o7);
            }
            else
            {
                AccumulateValues(shared, rowGroup, columnGroup, false, ref o0, ref o1, ref o2, ref o3, ref o4, ref o5, ref o6, ref o7);
            }
        }

        var inverse = Vec8.ReciprocalOrZero(l);
        var o4Out = output.Cast<Float4>().AsAligned(16);
        var at = queryBase + rowGroup * d4 + columnGroup;
        var rows = validQueries - rowGroup;
        if (columnGroup < d4)
        {
            StoreRows(o4Out, at, d4, rows, Vec8.Multiply(o0, inverse), Vec8.Multiply(o1, inverse), Vec8.Multiply(o2, inverse), Vec8.Multiply(o3, inverse));
        }
        if (columnGroup + GpuTile.ColumnGroups < d4)
        {
            StoreRows(o4Out, at + GpuTile.ColumnGroups, d4, rows, Vec8.Multiply(o4, inverse), Vec8.Multiply(o5, inverse), Vec8.Multiply(o6, inverse), Vec8.Multiply(o7, inverse));
        }
    }

    /// <summary>o += P·V over the tile's 64 keys: rows rg + 8i, dimensions 4·cg + x (o0–o3) and, when <paramref name="both"/>, 4·cg + 64 + x (o4–o7).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateValues(ArrayView<Float4> shared, int rowGroup, int columnGroup, bool both,
        ref Vec8 o0, ref Vec8 o1, ref Vec8 o2, ref Vec8 o3, ref Vec8 o4, ref Vec8 o5, ref Vec8 o6, ref Vec8 o7)
    {
        var pAt = ProbabilitiesAt + 2 * rowGroup;
        var vAt = KeyValueAt + columnGroup;
        for (var k = 0; k < GpuTile.Keys; k += 2)
        {
            var pv = shared.SubView(pAt, 2 * ProbabilityStride);
            var vv = shared.SubView(vAt, ValueStride + 2 * GpuTile.ColumnGroups);
            var pa = Probabilities(pv[0], pv[1]);
            var pb = Probabilities(pv[ProbabilityStride], pv[ProbabilityStride + 1]);
            var va = vv[0];
            var vc = vv[ValueStride];
            o0 = Vec8.Fma(Vec8.Fma(o0, pa, va.X), pb, vc.X);
            o1 = Vec8.Fma(Vec8.Fma(o1, pa, va.Y), pb, vc.Y);
            o2 = Vec8.Fma(Vec8.Fma(o2, pa, va.Z), pb, vc.Z);
            o3 = Vec8.Fma(Vec8.Fma(o3, pa, va.W), pb, vc.W);
            if (both)
            {
                var vb = vv[GpuTile.ColumnGroups];
                var vd = vv[ValueStride + GpuTile.ColumnGroups];
                o4 = Vec8.Fma(Vec8.Fma(o4, pa, vb.X), pb, vd.X);
                o5 = Vec8.Fma(Vec8.Fma(o5, pa, vb.Y), pb, vd.Y);
                o6 = Vec8.Fma(Vec8.Fma(o6, pa, vb.Z), pb, vd.Z);
                o7 = Vec8.Fma(Vec8.Fma(o7, pa, vb.W), pb, vd.W);
            }
            pAt += 2 * ProbabilityStride;
            vAt += 2 * ValueStride;
        }
    }

    /// <summary>The first entry at or after <paramref name="entry"/> whose tile exists (uniform across the group), or <paramref name="last"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int NextEntry(ArrayView<int> blockIndices, bool sparse, int entry, int last, int tiles)
    {
        while (entry < last)
        {
            var tile = sparse ? blockIndices[entry] : entry;
            if (tile >= 0 && tile < tiles)
            {
                break;
            }
            entry++;
        }
        return entry;
    }

    /// <summary>This thread's 8 × 4 scores: 4-dimension dot products of Q rows rg + 8i and K rows cg + 16j.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ScoreTile Scores(ArrayView<Float4> shared, int d4, int rowGroup, int columnGroup)
    {
        var s0 = Vec8.Splat(0f);
        var s1 = s0;
        var s2 = s0;
        var s3 = s0;
        var qAt = rowGroup * RowStride;
        var kAt = KeyValueAt + columnGroup * RowStride;
        for (var c = 0; c < d4; c++)
        {
            var kv = shared.SubView(kAt, 3 * GpuTile.ColumnGroups * RowStride + 1);
            var k0 = kv[0];
            var k1 = kv[GpuTile.ColumnGroups * RowStride];
            var k2 = kv[2 * GpuTile.ColumnGroups * RowStride];
            var k3 = kv[3 * GpuTile.ColumnGroups * RowStride];
            var qv = shared.SubView(qAt, 7 * GpuTile.RowGroups * RowStride + 1);
            var a0 = qv[0];
            var a1 = qv[GpuTile.RowGroups * RowStride];
            var a2 = qv[2 * GpuTile.RowGroups * RowStride];
            var a3 = qv[3 * GpuTile.RowGroups * RowStride];
            var a4 = qv[4 * GpuTile.RowGroups * RowStride];
            var a5 = qv[5 * GpuTile.RowGroups * RowStride];
            var a6 = qv[6 * GpuTile.RowGroups * RowStride];
            var a7 = qv[7 * GpuTile.RowGroups * RowStride];
            s0 = Dot(s0, a0, a1, a2, a3, a4, a5, a6, a7, k0);
            s1 = Dot(s1, a0, a1, a2, a3, a4, a5, a6, a7, k1);
            s2 = Dot(s2, a0, a1, a2, a3, a4, a5, a6, a7, k2);
            s3 = Dot(s3, a0, a1, a2, a3, a4, a5, a6, a7, k3);
            qAt++;
            kAt++;
        }
        return new ScoreTile(s0, s1, s2, s3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vec8 Dot(Vec8 s, Float4 a0, Float4 a1, Float4 a2, Float4 a3, Float4 a4, Float4 a5, Float4 a6, Float4 a7, Float4 k) => new(
        Float4.Dot(s.X0, a0, k), Float4.Dot(s.X1, a1, k), Float4.Dot(s.X2, a2, k), Float4.Dot(s.X3, a3, k),
        Float4.Dot(s.X4, a4, k), Float4.Dot(s.X5, a5, k), Float4.Dot(s.X6, a6, k), Float4.Dot(s.X7, a7, k));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vec8 Probabilities(Float4 a, Float4 b) => new(a.X, a.Y, a.Z, a.W, b.X, b.Y, b.Z, b.W);

    /// <summary>Stores P as [key][slot]: key cg + 16j, slots rg·8 .. rg·8 + 7 (rows rg + 8i).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreProbabilities(ArrayView<Float4> shared, ScoreTile s, int rowGroup, int columnGroup)
    {
        var at = ProbabilitiesAt + columnGroup * ProbabilityStride + 2 * rowGroup;
        const int step = GpuTile.ColumnGroups * ProbabilityStride;
        StoreKey(shared, at, s.Key0);
        StoreKey(shared, at + step, s.Key1);
        StoreKey(shared, at + 2 * step, s.Key2);
        StoreKey(shared, at + 3 * step, s.Key3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreKey(ArrayView<Float4> shared, int at, Vec8 p)
    {
        shared[at] = new Float4(p.X0, p.X1, p.X2, p.X3);
        shared[at + 1] = new Float4(p.X4, p.X5, p.X6, p.X7);
    }

    /// <summary>Stores one float4 column (dimensions x &lt; 4 in c0..c3) of the thread's rows rg + 8i that exist.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRows(ArrayView<Float4> output, int at, int d4, int rows, Vec8 c0, Vec8 c1, Vec8 c2, Vec8 c3)
    {
        var stride = GpuTile.RowGroups * d4;
        if (rows > 0)
        {
            output[at] = new Float4(c0.X0, c1.X0, c2.X0, c3.X0);
        }
        if (rows > GpuTile.RowGroups)
        {
            output[at + stride] = new Float4(c0.X1, c1.X1, c2.X1, c3.X1);
        }
        if (rows > 2 * GpuTile.RowGroups)
        {
            output[at + 2 * stride] = new Float4(c0.X2, c1.X2, c2.X2, c3.X2);
        }
        if (rows > 3 * GpuTile.RowGroups)
        {
            output[at + 3 * stride] = new Float4(c0.X3, c1.X3, c2.X3, c3.X3);
        }
        if (rows > 4 * GpuTile.RowGroups)
        {
            output[at + 4 * stride] = new Float4(c0.X4, c1.X4, c2.X4, c3.X4);
        }
        if (rows > 5 * GpuTile.RowGroups)
        {
            output[at + 5 * stride] = new Float4(c0.X5, c1.X5, c2.X5, c3.X5);
        }
        if (rows > 6 * GpuTile.RowGroups)
        {
            output[at + 6 * stride] = new Float4(c0.X6, c1.X6, c2.X6, c3.X6);
        }
        if (rows > 7 * GpuTile.RowGroups)
        {
            output[at + 7 * stride] = new Float4(c0.X7, c1.X7, c2.X7, c3.X7);
        }
    }
}
