using Sieve.Abstractions;
using Sieve.Kernels.Gpu;

namespace Sieve.Kernels.Tests.Gpu;

/// <summary>The general fp32 kernel (<see cref="FlashAttentionKernel"/>): any head size up to 128.</summary>
public sealed class GpuDenseAttentionTests : GpuAttentionKernelSuite
{
    protected override bool Fast => false;

    public static TheoryData<int, int, int, int, int, int, bool> Shapes => new()
    {
        // batch, query heads, kv heads, queries, keys, head size, causal
        { 1, 1, 1, 1, 1, 7, false },
        { 1, 2, 1, 1, 70, 32, true },     // decoding after a cache, grouped-query
        { 2, 4, 2, 7, 7, 32, true },
        { 1, 2, 1, 33, 70, 64, true },    // a chunk after a cache
        { 2, 2, 2, 70, 70, 128, false },  // two query tiles, two key tiles
        { 1, 3, 3, 70, 33, 7, true },     // more queries than keys: the first ones see nothing
        { 2, 2, 1, 65, 130, 16, false },
    };

    public static TheoryData<int, int, int, int, int, bool> SparseShapes => new()
    {
        // batch, query heads, kv heads, length, head size, causal
        { 1, 2, 1, 200, 32, true },
        { 2, 4, 2, 150, 16, false },
        { 1, 1, 1, 300, 64, true },
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
    [InlineData(64, 3, 2, "not a multiple")]
    public void Unsupported_BadSizes_SaysWhy(int headSize, int heads, int kvHeads, string reason) =>
        Assert.Contains(reason, GpuDenseAttention.Unsupported(new AttentionDims(1, heads, kvHeads, 4, 4, headSize)), StringComparison.Ordinal);

    [Fact]
    public void Unsupported_SupportedSizes_IsNull() =>
        Assert.Null(GpuDenseAttention.Unsupported(new AttentionDims(1, 32, 8, 16384, 16384, 128)));

    [Fact]
    public void Compute_WrongOffsetsLength_Throws()
    {
        var attention = new GpuDenseAttention(Device);
        var dims = new AttentionDims(1, 1, 1, 70, 70, 8);
        var address = new DeviceAddress(64);
        Assert.Throws<ArgumentException>(() =>
            attention.Compute(dims, 1, false, address, address, address, address, address, address, address, 2, address, 1));
    }
}
