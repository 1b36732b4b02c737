using Sieve.Abstractions;
using Sieve.Host.Operators.KvCache;

namespace Sieve.Host.Tests.Generation;

public class DenseKvCacheTests
{
    [Fact]
    public void Layer_IsOneZeroedBufferOfTheMaximumLength_KeptAcrossSteps()
    {
        using var buffer = new DenseKvCache().Allocate(layers: 2, batch: 3, keyValueHeads: 2, maxLength: 4, headSize: 2);
        var values = buffer.Layer(1, KvPart.Value);
        Assert.Equal(3 * 2 * 4 * 2, values.Length);
        Assert.All(values.ToArray(), v => Assert.Equal(0f, v));
        values.Span[5] = 7;

        buffer.Advance(3);

        Assert.Equal(3, buffer.Length);
        Assert.Equal(7f, buffer.Layer(1, KvPart.Value).Span[5]);
        Assert.True(buffer.Layer(1, KvPart.Value).Span.Overlaps(values.Span));
        Assert.False(buffer.Layer(1, KvPart.Key).Span.Overlaps(values.Span));
        Assert.False(buffer.Layer(0, KvPart.Value).Span.Overlaps(values.Span));
    }

    [Fact]
    public void Advance_BeyondMaxLength_Throws()
    {
        using var buffer = new DenseKvCache().Allocate(1, 1, 1, maxLength: 4, headSize: 2);
        buffer.Advance(4);

        var error = Assert.Throws<InvalidOperationException>(() => buffer.Advance(1));
        Assert.Contains("exceeds the cache's 4", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, buffer.Length);
    }

    [Fact]
    public void Advance_ByLessThanOne_Throws()
    {
        using var buffer = new DenseKvCache().Allocate(1, 1, 1, 8, 2);

        Assert.Throws<InvalidOperationException>(() => buffer.Advance(0));
    }
}
