using Sieve.Abstractions;
using Sieve.Kernels.Gpu;
using Sieve.Testing.Gpu;

namespace Sieve.Kernels.Tests.Gpu;

/// <summary>
/// One suite for both fp32 flash-attention kernels, run on ILGPU's CPU accelerator through their real launcher
/// (<see cref="GpuDenseAttention"/>): dense attention against <see cref="NaiveAttention"/>, CSR block lists against the
/// CPU planner path, and empty lists. Each kernel's class gives the shapes it supports.
/// </summary>
[Trait("Category", "Gpu")]
public abstract class GpuAttentionKernelSuite : IDisposable
{
    protected CpuAcceleratorDevice Device { get; } = new();

    /// <summary>Whether the suite runs <see cref="FlashAttentionFastKernel"/> rather than <see cref="FlashAttentionKernel"/>.</summary>
    protected abstract bool Fast { get; }

    public void Dispose()
    {
        Device.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Dense attention with left and right padding equals <see cref="NaiveAttention"/>.</summary>
    protected void AssertDenseMatchesNaiveAttention(int batch, int heads, int kvHeads, int queries, int keys, int headSize, bool causal)
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

    /// <summary>Random CSR block lists (with padding the kernel must skip) equal the CPU kernel over the same blocks.</summary>
    protected void AssertBlockListMatchesCpuPlannerPath(int batch, int heads, int kvHeads, int length, int headSize, bool causal)
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
    public void Compute_CacheBufferLongerThanItsFilledKeys_MatchesNaiveAttentionOverTheFilledKeys()
    {
        // An in-place KV cache of 100 positions, 77 filled, the last 9 by this step's queries; rows left-padded.
        var dims = new AttentionDims(2, 4, 2, 9, 100, 16) { QueryPosition = 77 - 9 };
        var (q, k, v) = Inputs(dims, 51);
        int[] starts = [0, 6], ends = [77, 77];

        var actual = Run(dims, 0.25f, true, q, k, v, starts, ends, null);

        AssertClose(NaiveAttention.Compute(q, k, v, dims, starts, ends, 0.25f, true), actual);
        Assert.NotEqual(NaiveAttention.Compute(q, k, v, dims with { QueryPosition = null }, starts, ends, 0.25f, true), actual);
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

    private float[] Run(AttentionDims dims, float scale, bool causal, float[] q, float[] k, float[] v, int[] starts, int[] ends, (int[] Offsets, int[] Indices)? blocks)
    {
        var attention = new GpuDenseAttention(Device, Fast);
        using var query = Device.Upload<float>(q);
        using var key = Device.Upload<float>(k);
        using var value = Device.Upload<float>(v);
        using var keyStarts = Device.Upload<int>(starts);
        using var keyEnds = Device.Upload<int>(ends);
        using var output = Device.Allocate(q.Length * sizeof(float));
        if (blocks is var (offsets, indices))
        {
            using var offsetsBuffer = Device.Upload<int>(offsets);
            using var indicesBuffer = Device.Upload<int>(indices);
            attention.Compute(dims, scale, causal, query.Address, key.Address, value.Address, output.Address, keyStarts.Address, keyEnds.Address,
                offsetsBuffer.Address, offsets.Length, indicesBuffer.Address, indices.Length);
        }
        else
        {
            attention.Compute(dims, scale, causal, query.Address, key.Address, value.Address, output.Address, keyStarts.Address, keyEnds.Address);
        }
        return CpuAcceleratorDevice.Download<float>(output);
    }

    protected static (float[] Q, float[] K, float[] V) Inputs(AttentionDims dims, int seed)
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
