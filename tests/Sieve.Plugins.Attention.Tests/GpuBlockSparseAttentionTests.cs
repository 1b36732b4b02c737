using Sieve.Abstractions;
using Sieve.Kernels;
using Sieve.Plugins.Attention.Gpu;
using Sieve.Testing.Gpu;

namespace Sieve.Plugins.Attention.Tests;

/// <summary>The GPU block-sparse pipeline, run on ILGPU's CPU accelerator, against the CPU <see cref="BlockSparseAttention"/>.</summary>
[Trait("Category", "Gpu")]
public sealed class GpuBlockSparseAttentionTests : IDisposable
{
    private readonly CpuAcceleratorDevice _device = new();

    public void Dispose() => _device.Dispose();

    public static TheoryData<SparseCase> Cases => new()
    {
        new SparseCase(1, 2, 1, 300, 300, 32, true) { TopK = 3 },
        new SparseCase(2, 2, 1, 280, 280, 16, true) { TopK = 3, Padded = true },
        new SparseCase(1, 1, 1, 130, 520, 8, false) { TopK = 3 },
        new SparseCase(1, 2, 1, 70, 600, 64, true) { TopK = 4 },                  // a chunk after a cache
        new SparseCase(1, 1, 1, 200, 700, 16, true) { Density = 0.3, Padded = true },
        new SparseCase(1, 1, 1, 390, 390, 7, true) { TopK = 2, Window = 0, KeepFirst = false },
        new SparseCase(1, 2, 1, 260, 260, 128, true) { TopK = 2 },
        new SparseCase(2, 1, 1, 200, 300, 24, false) { TopK = 2, Window = 0, Padded = true, Kernel = 24, Stride = 8 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compute_SparsePath_MatchesCpuBlockSparseAttention(SparseCase c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var options = c.Options(denseBelow: 256);
        var (expected, actual) = RunBoth(c, options);

        Assert.Equal(4, LaunchesOfLastCall); // compress, score, select, attention: the sparse path ran
        AssertClose(expected, actual);
    }

    [Fact]
    public void Compute_SparsePath_IsNotDense()
    {
        // Guards the test above: with these options the selection must drop blocks, so dense output would differ.
        var c = new SparseCase(1, 1, 1, 256, 256, 16, true) { TopK = 2, Window = 0 };
        var (sparse, _) = RunBoth(c, c.Options(denseBelow: 256));
        var (dense, _) = RunBoth(c, c.Options(denseBelow: 1000));

        Assert.Contains(Enumerable.Range(0, sparse.Length), i => Math.Abs(sparse[i] - dense[i]) > 1e-3);
    }

    [Fact]
    public void Compute_FewKeys_RunsDense()
    {
        var c = new SparseCase(1, 2, 1, 40, 90, 16, true) { Padded = true };
        var (expected, actual) = RunBoth(c, c.Options(denseBelow: 100));

        Assert.Equal(1, LaunchesOfLastCall);
        AssertClose(expected, actual);
    }

    [Fact]
    public void Unsupported_OtherBlockSize_SaysOnly64()
    {
        var reason = GpuBlockSparseAttention.Unsupported(new BlockSparseAttentionOptions { Selection = BlockSelection.CompressedTile, BlockSize = 32 }, new AttentionDims(1, 2, 1, 10, 10, 64));

        Assert.Contains("block size 32", reason, StringComparison.Ordinal);
        Assert.Contains("64", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_LargeHead_SaysHeadSize() =>
        Assert.Contains("head size 256", GpuBlockSparseAttention.Unsupported(Tile, new AttentionDims(1, 2, 1, 10, 10, 256)),
            StringComparison.Ordinal);

    [Fact]
    public void Unsupported_TooManyKeysForSharedMemory_SaysSharedMemory() =>
        Assert.Contains("shared memory", GpuBlockSparseAttention.Unsupported(Tile, new AttentionDims(1, 64, 1, 16, 8_000_000, 128)),
            StringComparison.Ordinal);

    [Fact]
    public void Unsupported_TypicalLongContext_IsNull() =>
        Assert.Null(GpuBlockSparseAttention.Unsupported(Tile, new AttentionDims(1, 32, 8, 131072, 131072, 128)));

    [Fact]
    public void Compute_Unsupported_Throws()
    {
        var attention = new GpuBlockSparseAttention(_device, new BlockSparseAttentionOptions { BlockSize = 32 });
        var address = new DeviceAddress(64);

        Assert.Throws<ArgumentException>(() =>
            attention.Compute(new AttentionDims(1, 1, 1, 4, 4, 8), 1, true, address, address, address, address, address, address));
    }

    [Theory]
    [InlineData(BlockSelection.Compressed)]
    [InlineData(BlockSelection.KeyBounds)]
    [InlineData(BlockSelection.Oracle)]
    public void Unsupported_PerQuerySelection_NamesTheSelectionAndTheKey(string selection)
    {
        var reason = GpuBlockSparseAttention.Unsupported(new BlockSparseAttentionOptions { Selection = selection }, new AttentionDims(1, 32, 8, 4096, 4096, 128));

        Assert.Contains($"Selection '{selection}'", reason, StringComparison.Ordinal);
        Assert.Contains("Sieve:Operators:attention:Options:Selection", reason, StringComparison.Ordinal);
    }

    private static BlockSparseAttentionOptions Tile => new() { Selection = BlockSelection.CompressedTile };

    private (float[] Expected, float[] Actual) RunBoth(SparseCase c, BlockSparseAttentionOptions options)
    {
        var dims = new AttentionDims(c.Batch, c.Heads, c.KvHeads, c.Queries, c.Keys, c.HeadSize);
        var random = new Random(c.Keys * 31 + c.HeadSize);
        float[] Fill(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var q = Fill(c.Batch * c.Heads * c.Queries * c.HeadSize);
        var k = Fill(c.Batch * c.KvHeads * c.Keys * c.HeadSize);
        var v = Fill(c.Batch * c.KvHeads * c.Keys * c.HeadSize);
        var starts = Enumerable.Range(0, c.Batch).Select(b => c.Padded ? 5 + 17 * b : 0).ToArray();
        var ends = Enumerable.Range(0, c.Batch).Select(b => c.Padded ? c.Keys - 7 * b - 3 : c.Keys).ToArray();
        var scale = 1 / MathF.Sqrt(c.HeadSize);

        var expected = new float[q.Length];
        var shape = new AttentionShape(c.Heads, c.KvHeads, c.HeadSize, scale, c.Causal, 0);
        new BlockSparseAttention(options).Compute(new AttentionCall
        {
            Shape = shape,
            Query = new TensorView<float>(q.AsMemory(), new TensorShape(c.Batch, c.Heads, c.Queries, c.HeadSize)),
            Key = new TensorView<float>(k.AsMemory(), new TensorShape(c.Batch, c.KvHeads, c.Keys, c.HeadSize)),
            Value = new TensorView<float>(v.AsMemory(), new TensorShape(c.Batch, c.KvHeads, c.Keys, c.HeadSize)),
            KeyStarts = new TensorView<int>(starts.AsMemory(), new TensorShape(c.Batch)),
            KeyEnds = new TensorView<int>(ends.AsMemory(), new TensorShape(c.Batch)),
            Output = new TensorView<float>(expected.AsMemory(), new TensorShape(c.Batch, c.Heads, c.Queries, c.HeadSize)),
            Context = new OperatorRunContext(DeviceKind.Cpu),
        });

        var attention = new GpuBlockSparseAttention(_device, options);
        using var query = _device.Upload<float>(q);
        using var key = _device.Upload<float>(k);
        using var value = _device.Upload<float>(v);
        using var keyStarts = _device.Upload<int>(starts);
        using var keyEnds = _device.Upload<int>(ends);
        using var output = _device.Allocate(q.Length * sizeof(float));
        var before = _device.Launches;
        attention.Compute(dims, scale, c.Causal, query.Address, key.Address, value.Address, output.Address, keyStarts.Address, keyEnds.Address);
        LaunchesOfLastCall = _device.Launches - before;
        return (expected, CpuAcceleratorDevice.Download<float>(output));
    }

        private int LaunchesOfLastCall { get; set; }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < actual.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4, $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    /// <summary>One comparison: sizes and options.</summary>
    public sealed record SparseCase(int Batch, int Heads, int KvHeads, int Queries, int Keys, int HeadSize, bool Causal)
    {
        public int TopK { get; init; } = 16;

        public double Density { get; init; }

        public int Window { get; init; } = 1;

        public bool KeepFirst { get; init; } = true;

        public bool Padded { get; init; }

        public int Kernel { get; init; } = 32;

        public int Stride { get; init; } = 16;

        public BlockSparseAttentionOptions Options(int denseBelow) => new()
        {
            Selection = BlockSelection.CompressedTile, BlockSize = 64, TopKBlocks = TopK, Density = Density, WindowBlocks = Window, KeepFirstBlock = KeepFirst, DenseBelow = denseBelow,
            CompressionKernel = Kernel, CompressionStride = Stride,
        };
    }
}
