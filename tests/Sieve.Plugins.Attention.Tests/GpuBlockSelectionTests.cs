using Sieve.Kernels;
using Sieve.Plugins.Attention.Gpu;
using Sieve.Testing.Gpu;

namespace Sieve.Plugins.Attention.Tests;

/// <summary>
/// The selection kernels one at a time, against oracles written from <see cref="BlockSelector"/>'s definition: the block
/// scores to 1e-4 (an end-to-end comparison can miss a score bug that keeps the ranking), and the chosen lists exactly,
/// on scores full of ties.
/// </summary>
[Trait("Category", "Gpu")]
public sealed class GpuBlockSelectionTests : IDisposable
{
    private readonly CpuAcceleratorDevice _device = new();

    public void Dispose() => _device.Dispose();

    public static TheoryData<int, int, int, int, int, int, bool, bool> ScoreShapes => new()
    {
        // batch, query heads, kv heads, queries, keys, head size, causal, padded
        { 1, 2, 1, 130, 300, 16, true, false },
        { 2, 2, 2, 70, 200, 7, false, true },
        { 1, 3, 1, 100, 100, 33, true, true },
    };

    [Theory]
    [MemberData(nameof(ScoreShapes))]
    public void Scores_MatchOracle(int batch, int heads, int kvHeads, int queries, int keys, int headSize, bool causal, bool padded)
    {
        var dims = new AttentionDims(batch, heads, kvHeads, queries, keys, headSize);
        var options = new BlockSparseAttentionOptions { DenseBelow = 0 };
        var random = new Random(queries + keys);
        float[] Fill(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        var q = Fill(batch * heads * queries * headSize);
        var k = Fill(batch * kvHeads * keys * headSize);
        var starts = Enumerable.Range(0, batch).Select(b => padded ? 3 + 11 * b : 0).ToArray();
        var ends = Enumerable.Range(0, batch).Select(b => padded ? keys - 5 * b - 1 : keys).ToArray();
        var scale = 1 / MathF.Sqrt(headSize);
        var plan = GpuBlockSparseAttention.Plan.Of(dims, options, causal);
        var attention = new GpuBlockSparseAttention(_device, options);
        using var query = _device.Upload<float>(q);
        using var key = _device.Upload<float>(k);
        using var keyStarts = _device.Upload<int>(starts);
        using var keyEnds = _device.Upload<int>(ends);
        using var compressed = _device.Allocate(plan.CompressedElements * sizeof(float));
        using var scores = _device.Allocate(plan.ScoreElements * sizeof(float));

        attention.LaunchCompress(dims, plan, key.Address, keyStarts.Address, keyEnds.Address, compressed.Address);
        attention.LaunchScores(dims, plan, scale, causal, query.Address, compressed.Address, keyStarts.Address, keyEnds.Address, scores.Address);

        var actual = CpuAcceleratorDevice.Download<float>(scores);
        for (var row = 0; row < plan.Rows; row++)
        {
            var kvRow = row / plan.QueryTiles;
            var b = kvRow / kvHeads;
            var expected = OracleScores(q, k, dims, kvRow, row % plan.QueryTiles, starts[b], ends[b], scale, causal, options);
            for (var block = 0; block < expected.Length; block++)
            {
                var got = actual[row * plan.MaxBlocks + block];
                Assert.True(Math.Abs(got - expected[block]) <= 1e-4 * Math.Max(1, Math.Abs(expected[block])),
                    $"row {row} block {block}: expected {expected[block]}, got {got}");
            }
        }
    }

    public static TheoryData<int, int, bool, int, double, int, bool> SelectShapes => new()
    {
        // queries, keys, causal, top-k, density, window, keep first
        { 700, 700, true, 4, 0, 1, true },
        { 300, 900, false, 3, 0, 2, true },
        { 70, 1000, true, 16, 0.3, 1, false },
        { 200, 640, true, 1, 0, 0, true },
    };

    [Theory]
    [MemberData(nameof(SelectShapes))]
    public void Select_TiedScores_MatchesOracle(int queries, int keys, bool causal, int topK, double density, int window, bool keepFirst)
    {
        var dims = new AttentionDims(2, 2, 1, queries, keys, 8);
        var options = new BlockSparseAttentionOptions { TopKBlocks = topK, Density = density, WindowBlocks = window, KeepFirstBlock = keepFirst };
        var plan = GpuBlockSparseAttention.Plan.Of(dims, options, causal);
        var random = new Random(queries);
        var values = Enumerable.Range(0, (int)plan.ScoreElements).Select(_ => random.Next(4) * 0.5f).ToArray();
        int[] starts = [0, 37];
        int[] ends = [keys, keys - 100];
        var attention = new GpuBlockSparseAttention(_device, options);
        using var scores = _device.Upload<float>(values);
        using var keyStarts = _device.Upload<int>(starts);
        using var keyEnds = _device.Upload<int>(ends);
        using var offsets = _device.Allocate((plan.Rows + 1L) * sizeof(int));
        using var indices = _device.Allocate(plan.IndexElements * sizeof(int));

        attention.LaunchSelect(dims, plan, causal, scores.Address, keyStarts.Address, keyEnds.Address, offsets.Address, indices.Address);

        var actualOffsets = CpuAcceleratorDevice.Download<int>(offsets);
        var actualIndices = CpuAcceleratorDevice.Download<int>(indices);
        for (var row = 0; row < plan.Rows; row++)
        {
            var b = row / plan.QueryTiles / dims.KeyValueHeads;
            var expected = OracleSelect(values.AsSpan(row * plan.MaxBlocks, plan.MaxBlocks), dims, row % plan.QueryTiles, starts[b], ends[b], causal, options);
            Assert.Equal(row * plan.Entries, actualOffsets[row]);
            var list = actualIndices.Skip(actualOffsets[row]).Take(plan.Entries).Where(x => x >= 0).ToArray();
            Assert.Equal(expected, list);
        }
        Assert.Equal(plan.IndexElements, actualOffsets[plan.Rows]);
    }

    /// <summary>Block scores of one (batch·Hkv row, query block), in double precision.</summary>
    private static double[] OracleScores(float[] q, float[] k, AttentionDims dims, int kvRow, int queryTile, int start, int end, float scale, bool causal,
        BlockSparseAttentionOptions options)
    {
        var d = dims.HeadSize;
        var length = Math.Max(0, end - start);
        var count = CompressKeysKernel.Count(length, options.CompressionKernel, options.CompressionStride);
        (int Start, int End) Window(int c) => (c * options.CompressionStride, Math.Min(length, c * options.CompressionStride + options.CompressionKernel));
        var compressed = new double[count, d];
        for (var c = 0; c < count; c++)
        {
            var (first, last) = Window(c);
            for (var x = 0; x < d; x++)
            {
                double sum = 0;
                for (var t = first; t < last; t++)
                {
                    sum += k[(kvRow * dims.KeyLength + start + t) * d + x];
                }
                compressed[c, x] = sum / (last - first);
            }
        }
        var offset = dims.KeyLength - dims.QueryLength - start;
        var importance = new double[count];
        var batch = kvRow / dims.KeyValueHeads;
        for (var h = 0; h < dims.Group; h++)
        {
            var head = kvRow % dims.KeyValueHeads * dims.Group + h;
            for (var i = queryTile * 64; i < Math.Min(dims.QueryLength, queryTile * 64 + 64); i++)
            {
                var visible = causal ? Enumerable.Range(0, count).Count(c => Window(c).End <= i + 1 + offset) : count;
                if (visible == 0)
                {
                    continue;
                }
                var s = new double[visible];
                for (var c = 0; c < visible; c++)
                {
                    for (var x = 0; x < d; x++)
                    {
                        s[c] += q[((batch * dims.QueryHeads + head) * dims.QueryLength + i) * d + x] * compressed[c, x];
                    }
                    s[c] *= scale;
                }
                var max = s.Max();
                var sum = s.Sum(v => Math.Exp(v - max));
                for (var c = 0; c < visible; c++)
                {
                    importance[c] += Math.Exp(s[c] - max) / sum;
                }
            }
        }
        var blocks = new double[(length + 63) / 64];
        for (var c = 0; c < count; c++)
        {
            var (first, last) = Window(c);
            for (var block = first / 64; block <= (last - 1) / 64 && block < blocks.Length; block++)
            {
                blocks[block] = Math.Max(blocks[block], importance[c]);
            }
        }
        return blocks;
    }

    /// <summary>The blocks <see cref="BlockSelector"/> keeps for one query block, given its scores.</summary>
    private static int[] OracleSelect(ReadOnlySpan<float> scores, AttentionDims dims, int queryTile, int start, int end, bool causal, BlockSparseAttentionOptions options)
    {
        var blocks = (Math.Max(0, end - start) + 63) / 64;
        var offset = dims.KeyLength - dims.QueryLength - start;
        var queryStart = queryTile * 64;
        var queryEnd = Math.Min(dims.QueryLength, queryStart + 64);
        var lastVisible = causal ? Math.Min(blocks - 1, (queryEnd - 1 + offset) / 64) : blocks - 1;
        if (blocks == 0 || (causal && queryEnd - 1 + offset < 0))
        {
            return [];
        }
        var diagonal = Math.Clamp(Math.Max(0, queryStart + offset) / 64, 0, lastVisible);
        var lastDiagonal = Math.Clamp(Math.Max(0, queryEnd - 1 + offset) / 64, diagonal, lastVisible);
        var visible = lastVisible + 1;
        var budget = options.Density > 0 ? (int)Math.Ceiling(options.Density * visible) : options.TopKBlocks;
        var chosen = new SortedSet<int>();
        if (options.KeepFirstBlock)
        {
            chosen.Add(0);
        }
        for (var block = Math.Max(0, diagonal - options.WindowBlocks); block <= Math.Min(visible - 1, lastDiagonal + (causal ? 0 : options.WindowBlocks)); block++)
        {
            chosen.Add(block);
        }
        var copy = scores[..visible].ToArray();
        var rest = Enumerable.Range(0, visible).Where(b => !chosen.Contains(b)).OrderByDescending(b => copy[b]).ThenBy(b => b).Take(Math.Max(0, budget - chosen.Count)).ToList();
        chosen.UnionWith(rest);
        return [.. chosen];
    }
}
