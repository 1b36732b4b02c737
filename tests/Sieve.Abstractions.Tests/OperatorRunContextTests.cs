using Sieve.Abstractions;

namespace Sieve.Abstractions.Tests;

public class OperatorRunContextTests
{
    [Fact]
    public void GetOrAdd_SameKey_ReturnsTheFirstItem()
    {
        var context = new OperatorRunContext(DeviceKind.Cpu);
        var first = context.GetOrAdd("block-sparse/topk", () => new List<int> { 1 });
        var second = context.GetOrAdd("block-sparse/topk", () => new List<int> { 2 });
        Assert.Same(first, second);
        Assert.True(context.TryGet<List<int>>("block-sparse/topk", out var found));
        Assert.Same(first, found);
        Assert.False(context.TryGet<List<int>>("other", out _));
    }
}
