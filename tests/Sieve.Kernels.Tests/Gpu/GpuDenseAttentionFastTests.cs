using Sieve.Abstractions;
using Sieve.Kernels.Gpu;

namespace Sieve.Kernels.Tests.Gpu;

/// <summary>The fast fp32 kernel (<see cref="FlashAttentionFastKernel"/>, <c>fast: true</c>): head sizes 4–128 in powers of two, 16-byte aligned tensors.</summary>
public sealed class GpuDenseAttentionFastTests : GpuAttentionKernelSuite
{
    protected override bool Fast => true;

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

    public static TheoryData<int, int, int, int, int, bool> SparseShapes => new()
    {
        // batch, query heads, kv heads, length, head size, causal
        { 1, 2, 1, 200, 32, true },
        { 2, 4, 2, 150, 16, false },
        { 1, 1, 1, 300, 64, true },
        { 1, 2, 1, 200, 128, true },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Compute_Dense_MatchesNaiveAttention(int batch, int heads, int kvHeads, int queries, int keys, int headSize, bool causal) =>
        AssertDenseMatchesNaiveAttention(batch, heads, kvHeads, queries, keys, headSize, causal);

    [Theory]
    [MemberData(nameof(SparseShapes))]
    public void Compute_BlockList_MatchesCpuPlannerPath(int batch, int heads, int kvHeads, int length, int headSize, bool causal) =>
        AssertBlockListMatchesCpuPlannerPath(batch, heads, kvHeads, length, headSize, causal);

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
        var attention = new GpuDenseAttention(Device, fast: true);
        var dims = new AttentionDims(1, 1, 1, 70, 70, 64);
        var address = new DeviceAddress(64);
        Assert.Throws<ArgumentException>(() =>
            attention.Compute(dims, 1, false, address, new DeviceAddress(68), address, address, address, address));
    }

    [Fact]
    public void Compute_UnsupportedHeadSize_Throws()
    {
        var attention = new GpuDenseAttention(Device, fast: true);
        var dims = new AttentionDims(1, 1, 1, 70, 70, 7);
        var address = new DeviceAddress(64);
        Assert.Throws<ArgumentException>(() => attention.Compute(dims, 1, false, address, address, address, address, address, address));
    }

    [Fact]
    public void Compute_WrongOffsetsLength_Throws()
    {
        var attention = new GpuDenseAttention(Device, fast: true);
        var dims = new AttentionDims(1, 1, 1, 70, 70, 8);
        var address = new DeviceAddress(64);
        Assert.Throws<ArgumentException>(() =>
            attention.Compute(dims, 1, false, address, address, address, address, address, address, address, 2, address, 1));
    }
}
