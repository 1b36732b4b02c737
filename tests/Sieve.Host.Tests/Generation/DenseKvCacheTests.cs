using Sieve.Abstractions;
using Sieve.Host.Operators.KvCache;

namespace Sieve.Host.Tests.Generation;

public class DenseKvCacheTests
{
    [Fact]
    public void Advance_MakesThePresentThePast()
    {
        using var buffer = new DenseKvCache().Allocate(layers: 2, batch: 1, keyValueHeads: 1, maxLength: 4, headSize: 2);
        var present = buffer.Present(1, KvPart.Value, 3);
        Assert.Equal(6, present.Length);
        present.Span.Fill(7);

        buffer.Advance(3);

        Assert.Equal(3, buffer.Length);
        Assert.Equal(Enumerable.Repeat(7f, 6), buffer.Past(1, KvPart.Value).ToArray());
        Assert.Equal(8, buffer.Present(1, KvPart.Value, 1).Length);
        Assert.False(buffer.Past(1, KvPart.Value).Span.Overlaps(buffer.Present(1, KvPart.Value, 1).Span));
    }

    [Fact]
    public void Present_BeyondMaxLength_Throws()
    {
        using var buffer = new DenseKvCache().Allocate(1, 1, 1, maxLength: 4, headSize: 2);
        buffer.Present(0, KvPart.Key, 4);
        buffer.Advance(4);

        var error = Assert.Throws<InvalidOperationException>(() => buffer.Present(0, KvPart.Key, 1));
        Assert.Contains("exceeds the cache's 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Advance_WithAnotherCountThanTheStep_Throws()
    {
        using var buffer = new DenseKvCache().Allocate(1, 1, 1, 8, 2);
        buffer.Present(0, KvPart.Key, 2);

        Assert.Throws<InvalidOperationException>(() => buffer.Advance(3));
    }
}
