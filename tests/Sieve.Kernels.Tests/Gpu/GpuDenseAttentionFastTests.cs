using Sieve.Abstractions;
using Sieve.Kernels.Gpu;
using Sieve.Testing.Gpu;

namespace Sieve.Kernels.Tests.Gpu;

/// <summary>
/// The fast GPU flash-attention kernel (<see cref="FlashAttentionFastKernel"/>, selected with <c>fast: true</c>), run on
/// ILGPU's CPU accelerator through its real launcher: the shapes of <see cref="GpuDenseAttentionTests"/>, with head sizes
/// it lacks (7) replaced by supported ones.
/// </summary>
[Trait("Category", "Gpu")]
public sealed class GpuDenseAttentionFastTests : IDisposable
{
    private readonly CpuAcceleratorDevice _device = new();

    public void Dispose() => _device.Dispose();

    public static TheoryData<int, int, int, int, int, int, bool> Shapes => new()
    {
        // batch, query heads, kv heads, queries, keys, head size, causal
        { 1, 1, 1, 1, 1, 8, false },
        { 1, 1, 1, 1, 1, 4, false },
        { 1, 2, 1, 1, 70, 32, true },     // decoding after a cache, grouped-query
        { 2, 4, 2, 7, 7, 32, true },
        { 1, 2, 1, 33, 70, 64, true },    // a chunk after a cache
        { 2, 2, 2, 70, 70, 128, false },  // two query tiles, two key tiles
        { 1, 4, 2, 130, 200, 128, true }, // three query tiles, four key tiles, causal with a cache
        { 1, 3, 3, 70, 33, 8, true },     // more queries than keys: the first ones see nothing
        { 2, 2, 1, 65, 130, 16, false },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Compute_Dense_MatchesNaiveAttention(int batch, int heads, int kvHeads, int queries, int keys, int headSize, bool causal)
    {
        var dims = new AttentionDims(batch, heads, kvHeads, queries, keys, headSize);
        var (q, k, v) = Inputs(dims, 21);
        // Left padding of 3·b keys and right padding in odd rows.
        var starts = Enumerable.Range(0, batch).Select(b => Math.Min(keys - 1, 3 * b)).ToArray();
        var ends = Enumerable.Range(0, batch).Select(b => b % 2 == 1 && keys > 8 ? keys - 2 : keys).ToArray();
        var scale = 1 / MathF.Sqrt(headSize);

        var actual = Run(dims, scale, causal, q, k, v, starts, ends, null);

        AssertClose(NaiveAttention.Compute(q, k, v, dims, starts, ends, scale, causal), actual);
    }

    public static TheoryData<int, int, int, int, int, bool> SparseShapes => new()
    {
        // batch, query heads, kv heads, length, head size, causal
        { 1, 2, 1, 200, 32, true },
        { 2, 4, 2, 150, 16, false },
        { 1, 1, 1, 300, 64, true },
        { 1, 2, 1, 200, 128, true },
    };

    [Theory]
    [MemberData(nameof(SparseShapes))]
    public void Compute_BlockList_MatchesCpuPlannerPath(int batch, int heads, int kvHeads, int length, int headSize, bool causal)
    {
        var dims = new AttentionDims(batch, heads, kvHeads, length, length, headSize);
        var (q, k, v) = Inputs(dims, 31);
        var starts = Enumerable.Range(0, batch).Select(b => 5 * b).ToArray();
        var ends = Enumerable.Range(0, batch).Select(b => length - 3 * b).ToArray();
        var scale = 1 / MathF.Sqrt(headSize);
        var tiles = GpuDenseAttention.QueryTiles(dims);
        var blocks = (length + 63) / 64;
        // Random ascending block lists, with −1 padding and an out-of-range id the kernel must skip.
        var random = new Random(7);
        var lists = new List<int>[batch * kvHeads * tiles];
        var offsets = new int[lists.Length + 1];
        var indices = new List<int>();
        for (var r = 0; r < lists.Length; r++)
        {
            lists[r] = Enumerable.Range(0, blocks).Where(_ => random.NextDouble() < 0.6).ToList();
            indices.AddRange(lists[r]);
            indices.Add(-1);
            if (r % 2 == 0)
            {
                indices.Add(blocks + 3);
            }
            offsets[r + 1] = indices.Count;
        }
        var output = new float[q.Length];
        void Plan(int b, int kvHead, int queryStart, int queryEnd, int keyStart, int keyEnd, List<KeyRange> ranges)
        {
            foreach (var block in lists[(b * kvHeads + kvHead) * tiles + queryStart / 64])
            {
                ranges.Add(new KeyRange(keyStart + block * 64, Math.Min(keyEnd, keyStart + block * 64 + 64)));
            }
        }
        MultiHeadAttention.Compute(q, k, v, output, dims, starts, ends, scale, causal, 64, Plan);

        var actual = Run(dims, scale, causal, q, k, v, starts, ends, (offsets, indices.ToArray()));

        AssertClose(output, actual);
    }

    [Fact]
    public void Compute_EmptyBlockLists_GivesZeros()
    {
        var dims = new AttentionDims(1, 2, 2, 70, 70, 8);
        var (q, k, v) = Inputs(dims, 41);
        var rows = 2 * GpuDenseAttention.QueryTiles(dims);

        var actual = Run(dims, 0.3f, true, q, k, v, [0], [70], (new int[rows + 1], [-1]));

        Assert.All(actual, x => Assert.Equal(0f, x));
    }

    [Theory]
    [InlineData(129, 2, 1, "head size 129")]
    [InlineData(0, 2, 1, "head size 0")]
    [InlineData(7, 2, 1, "head size 7 is not one of the fast")]
    [InlineData(96, 2, 1, "head size 96 is not one of the fast")]
    [InlineData(64, 3, 2, "not a multiple")]
    public void Unsupported_BadSizes_SaysWhy(int headSize, int heads, int kvHeads, string reason) =>
        Assert.Contains(reason, GpuDenseAttention.Unsupported(new AttentionDims(1, heads, kvHeads, 4, 4, headSize), fast: true), StringComparison.Ordinal);

    [Theory]
    [InlineData(128)]
    [InlineData(64)]
    [InlineData(4)]
    public void Unsupported_SupportedSizes_IsNull(int headSize) =>
        Assert.Null(GpuDenseAttention.Unsupported(new AttentionDims(1, 32, 8, 16384, 16384, headSize), fast: true));

    [Fact]
    public void Unsupported_HeadSizeOnlyTheSlowKernelRuns_IsNullWithoutFast() =>
        Assert.Null(GpuDenseAttention.Unsupported(new AttentionDims(1, 2, 1, 4, 4, 7)));

    [Fact]
    public void LaunchOf_Fast_UsesTheFastKernelsSharedMemory() =>
        Assert.Equal(FlashAttentionFastKernel.SharedBytes, GpuDenseAttention.LaunchOf(new AttentionDims(1, 32, 8, 16384, 16384, 128), fast: true).SharedMemoryBytes);

    [Fact]
    public void Compute_MisalignedTensor_Throws()
    {
        var attention = new GpuDenseAttention(_device, fast: true);
        var dims = new AttentionDims(1, 1, 1, 70, 70, 64);
        var address = new DeviceAddress(64);
        Assert.Throws<ArgumentException>(() =>
            attention.Compute(dims, 1, false, address, new DeviceAddress(68), address, address, address, address));
    }

    [Fact]
    public void Compute_UnsupportedHeadSize_Throws()
    {
        var attention = new GpuDenseAttention(_device, fast: true);
        var dims = new AttentionDims(1, 1, 1, 70, 70, 7);
        var address = new DeviceAddress(64);
        Assert.Throws<ArgumentException>(() => attention.Compute(dims, 1, false, address, address, address, address, address, address));
    }

    [Fact]
    public void Compute_WrongOffsetsLength_Throws()
    {
        var attention = new GpuDenseAttention(_device, fast: true);
        var dims = new AttentionDims(1, 1, 1, 70, 70, 8);
        var address = new DeviceAddress(64);
        Assert.Throws<ArgumentException>(() =>
            attention.Compute(dims, 1, false, address, address, address, address, address, address, address, 2, address, 1));
    }

    private float[] Run(AttentionDims dims, float scale, bool causal, float[] q, float[] k, float[] v, int[] starts, int[] ends, (int[] Offsets, int[] Indices)? blocks)
    {
        var attention = new GpuDenseAttention(_device, fast: true);
        using var query = _device.Upload<float>(q);
        using var key = _device.Upload<float>(k);
        using var value = _device.Upload<float>(v);
        using var keyStarts = _device.Upload<int>(starts);
        using var keyEnds = _device.Upload<int>(ends);
        using var output = _device.Allocate(q.Length * sizeof(float));
        if (blocks is var (offsets, indices))
        {
            using var offsetsBuffer = _device.Upload<int>(offsets);
            using var indicesBuffer = _device.Upload<int>(indices);
            attention.Compute(dims, scale, causal, query.Address, key.Address, value.Address, output.Address, keyStarts.Address, keyEnds.Address,
                offsetsBuffer.Address, offsets.Length, indicesBuffer.Address, indices.Length);
        }
        else
        {
            attention.Compute(dims, scale, causal, query.Address, key.Address, value.Address, output.Address, keyStarts.Address, keyEnds.Address);
        }
        return CpuAcceleratorDevice.Download<float>(output);
    }

    private static (float[] Q, float[] K, float[] V) Inputs(AttentionDims dims, int seed)
    {
        var random = new Random(seed);
        float[] Fill(long count) => Enumerable.Range(0, (int)count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        return (Fill((long)dims.Batch * dims.QueryHeads * dims.QueryLength * dims.HeadSize),
            Fill((long)dims.Batch * dims.KeyValueHeads * dims.KeyLength * dims.HeadSize),
            Fill((long)dims.Batch * dims.KeyValueHeads * dims.KeyLength * dims.HeadSize));
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < actual.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4, $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
