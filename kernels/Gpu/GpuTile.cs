using System.Runtime.CompilerServices;
using ILGPU;

namespace Sieve.Kernels.Gpu;

/// <summary>
/// The register-tiled building blocks of the attention kernels: a group of <see cref="Threads"/> threads works on a tile
/// of <see cref="Rows"/> query rows × <see cref="Keys"/> keys held in shared memory. Thread t is in warp t / 32; lanes
/// 0–15 and 16–31 of a warp form two row groups, so row group rg = 2·warp + lane / 16 owns rows rg + 8·i (i &lt; 8) and
/// column group cg = lane % 16 owns keys cg + 16·j (j &lt; 4) and head dimensions cg + 16·c (c &lt; 8); a row's 16 threads
/// are the lanes of one half-warp, so row reductions are four shuffles. Shared tiles are stored transposed
/// ([dimension][row], <see cref="Stride"/> = 65 floats apart) so that the inner loops read without bank conflicts.
/// Device code; every member is inlined into the kernels.
/// </summary>
public static class GpuTile
{
    /// <summary>Query rows of a tile (also the block size of the block-sparse lists).</summary>
    public const int Rows = 64;

    /// <summary>Keys of a tile.</summary>
    public const int Keys = 64;

    /// <summary>Threads of a group.</summary>
    public const int Threads = 128;

    /// <summary>Row groups (each owns <see cref="Rows"/> / <see cref="RowGroups"/> rows).</summary>
    public const int RowGroups = 8;

    /// <summary>Column groups (each owns <see cref="Keys"/> / <see cref="ColumnGroups"/> keys).</summary>
    public const int ColumnGroups = 16;

    /// <summary>Floats between two dimensions of a transposed tile (padded against bank conflicts).</summary>
    public const int Stride = Rows + 1;

    /// <summary>The largest head size (the output micro-tile has 8 dimensions per column group).</summary>
    public const int MaxHeadSize = 128;

    /// <summary>This thread's row group.</summary>
    public static int RowGroup => (Group.IdxX >> 5) * 2 + ((Group.IdxX >> 4) & 1);

    /// <summary>This thread's column group.</summary>
    public static int ColumnGroup => Group.IdxX & 15;

    /// <summary>
    /// Copies rows [0, <see cref="Rows"/>) of a [row][dimension] block at <paramref name="source"/> + <paramref name="offset"/>
    /// into shared memory, transposed to [dimension][row] (row stride <see cref="Stride"/>) and multiplied by
    /// <paramref name="multiplier"/>; rows at or past <paramref name="validRows"/> become zeros.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadTransposed(ArrayView<float> source, int offset, int validRows, int headSize, float multiplier,
        ArrayView<float> shared, int sharedOffset) =>
        Load(source, offset, validRows, headSize, multiplier, shared, sharedOffset, true);

    /// <summary>Like <see cref="LoadTransposed"/>, but keeps the [row][dimension] layout (row stride <see cref="MaxHeadSize"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadRows(ArrayView<float> source, int offset, int validRows, int headSize, ArrayView<float> shared, int sharedOffset) =>
        Load(source, offset, validRows, headSize, 1f, shared, sharedOffset, false);

    /// <summary>Floats of a shared buffer that holds either a transposed K tile or a V tile in rows of <see cref="MaxHeadSize"/>.</summary>
    public static int KeyValueFloats(int headSize) => Math.Max(headSize * Stride, Keys * MaxHeadSize);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Load(ArrayView<float> source, int offset, int validRows, int headSize, float multiplier,
        ArrayView<float> shared, int sharedOffset, bool transposed)
    {
        // Thread t copies dimension t % headSize of rows t / headSize + k·rowStep: coalesced reads, conflict-free writes.
        var rowStep = Threads / headSize;
        var d = Group.IdxX % headSize;
        var first = Group.IdxX / headSize;
        if (first >= rowStep)
        {
            return;
        }
        var rowStride = transposed ? 1 : MaxHeadSize;
        var dimStride = transposed ? Stride : 1;
        for (var row = first; row < Rows; row += 4 * rowStep)
        {
            var r1 = row + rowStep;
            var r2 = row + 2 * rowStep;
            var r3 = row + 3 * rowStep;
            var v0 = row < validRows ? source[offset + row * headSize + d] : 0f;
            var v1 = r1 < validRows && r1 < Rows ? source[offset + r1 * headSize + d] : 0f;
            var v2 = r2 < validRows && r2 < Rows ? source[offset + r2 * headSize + d] : 0f;
            var v3 = r3 < validRows && r3 < Rows ? source[offset + r3 * headSize + d] : 0f;
            var at = sharedOffset + d * dimStride;
            shared[at + row * rowStride] = v0 * multiplier;
            if (r1 < Rows)
            {
                shared[at + r1 * rowStride] = v1 * multiplier;
            }
            if (r2 < Rows)
            {
                shared[at + r2 * rowStride] = v2 * multiplier;
            }
            if (r3 < Rows)
            {
                shared[at + r3 * rowStride] = v3 * multiplier;
            }
        }
    }

    /// <summary>
    /// This thread's scores: Σ_d Q[d][row]·K[d][key] over two transposed tiles at <paramref name="queries"/> and
    /// <paramref name="keys"/> in <paramref name="shared"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScoreTile Scores(ArrayView<float> shared, int queries, int keys, int headSize, int rowGroup, int columnGroup)
    {
        var s0 = Vec8.Splat(0f);
        var s1 = s0;
        var s2 = s0;
        var s3 = s0;
        var q = queries + rowGroup;
        var k = keys + columnGroup;
        for (var d = 0; d < headSize; d++)
        {
            // Sub-views make every load below base + constant (one address computation per view, not per load).
            var a = Vec8.Load(shared.SubView(q, Rows - rowGroup), 0, RowGroups);
            var b = shared.SubView(k, Keys - columnGroup);
            s0 = Vec8.Fma(s0, a, b[0]);
            s1 = Vec8.Fma(s1, a, b[ColumnGroups]);
            s2 = Vec8.Fma(s2, a, b[2 * ColumnGroups]);
            s3 = Vec8.Fma(s3, a, b[3 * ColumnGroups]);
            q += Stride;
            k += Stride;
        }
        return new ScoreTile(s0, s1, s2, s3);
    }

    /// <summary>Masks a tile: key <paramref name="firstKey"/> + cg + 16·j is kept for row i while it is below <paramref name="end"/> and below <paramref name="limit"/> + 8·i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScoreTile Mask(ScoreTile s, int firstKey, int end, int limit) => new(
        Vec8.Mask(s.Key0, firstKey, end, limit, RowGroups),
        Vec8.Mask(s.Key1, firstKey + ColumnGroups, end, limit, RowGroups),
        Vec8.Mask(s.Key2, firstKey + 2 * ColumnGroups, end, limit, RowGroups),
        Vec8.Mask(s.Key3, firstKey + 3 * ColumnGroups, end, limit, RowGroups));

    /// <summary>Masks a tile with one limit per row: key <paramref name="firstKey"/> + cg + 16·j is kept for row i while below <paramref name="limits"/>.Xi.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScoreTile MaskRows(ScoreTile s, int firstKey, Vec8 limits) => new(
        Vec8.MaskBelow(s.Key0, firstKey, limits),
        Vec8.MaskBelow(s.Key1, firstKey + ColumnGroups, limits),
        Vec8.MaskBelow(s.Key2, firstKey + 2 * ColumnGroups, limits),
        Vec8.MaskBelow(s.Key3, firstKey + 3 * ColumnGroups, limits));

    /// <summary>Row maxima of the tile (over the thread's keys and its half-warp).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec8 RowMax(ScoreTile s) =>
        Vec8.WarpMax(Vec8.Max(Vec8.Max(s.Key0, s.Key1), Vec8.Max(s.Key2, s.Key3)), ColumnGroups);

    /// <summary>2^(s − m) of every element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScoreTile Exp2(ScoreTile s, Vec8 m) => new(Vec8.Exp2(s.Key0, m), Vec8.Exp2(s.Key1, m), Vec8.Exp2(s.Key2, m), Vec8.Exp2(s.Key3, m));

    /// <summary>log₂e: scores multiplied by it turn e^x into 2^x.</summary>
    public const float Log2E = 1.44269504088896341f;

    /// <summary>Row sums of the tile (over the thread's keys and its half-warp).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec8 RowSum(ScoreTile s) =>
        Vec8.WarpSum(Vec8.Add(Vec8.Add(s.Key0, s.Key1), Vec8.Add(s.Key2, s.Key3)), ColumnGroups);

    /// <summary>Stores the tile transposed ([key][row], stride <see cref="Stride"/>) at <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreTransposed(ArrayView<float> shared, int offset, ScoreTile s, int rowGroup, int columnGroup)
    {
        var at = offset + columnGroup * Stride + rowGroup;
        Vec8.Store(shared, at, RowGroups, s.Key0);
        Vec8.Store(shared, at + ColumnGroups * Stride, RowGroups, s.Key1);
        Vec8.Store(shared, at + 2 * ColumnGroups * Stride, RowGroups, s.Key2);
        Vec8.Store(shared, at + 3 * ColumnGroups * Stride, RowGroups, s.Key3);
    }
}
