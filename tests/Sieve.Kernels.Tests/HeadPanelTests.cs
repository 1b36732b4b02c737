namespace Sieve.Kernels.Tests;

public class HeadPanelTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(8, 8)]
    [InlineData(16, 32)]
    [InlineData(29, 32)]
    [InlineData(24, 12)]
    [InlineData(13, 7)]
    [InlineData(67, 40)]
    public void HeadPanel_HoldsEveryFeatureOfEveryKeyTransposedAndZeroPadded(int keys, int headSize)
    {
        var source = Enumerable.Range(0, keys * headSize).Select(i => i + 0.5f).ToArray();
        using var panel = new HeadPanel(source, keys, headSize);
        Assert.Equal((keys + 7) & ~7, panel.Stride);
        for (var d = 0; d < headSize; d++)
        {
            for (var t = 0; t < panel.Stride; t++)
            {
                var expected = t < keys ? source[t * headSize + d] : 0f;
                Assert.True(expected == panel.Data[d * panel.Stride + t], $"feature {d}, key {t}: expected {expected}, got {panel.Data[d * panel.Stride + t]}");
            }
        }
    }

    [Theory]
    [InlineData(13, 7, 5)]
    [InlineData(67, 40, 16)]
    [InlineData(9, 32, 9)]
    public void GrowingPanel_AppendedInPiecesEqualsThePanelBuiltAtOnce(int keys, int headSize, int firstPiece)
    {
        var source = Enumerable.Range(0, keys * headSize).Select(i => MathF.Sin(i) + 0.25f).ToArray();
        using var whole = new HeadPanel(source, keys, headSize);
        using var growing = new HeadPanel(keys + 3, headSize);
        growing.Append(source.AsSpan(0, firstPiece * headSize));
        for (var t = firstPiece; t < keys; t++)
        {
            growing.Append(source.AsSpan(t * headSize, headSize));
        }
        Assert.Equal(keys, growing.Keys);
        for (var d = 0; d < headSize; d++)
        {
            for (var t = 0; t < growing.Stride; t++)
            {
                var expected = t < keys ? whole.Data[d * whole.Stride + t] : 0f;
                Assert.Equal(expected, growing.Data[d * growing.Stride + t]);
            }
        }
    }

    [Fact]
    public void GrowingPanel_RefusesKeysBeyondItsCapacity()
    {
        using var panel = new HeadPanel(8, 4);
        panel.Append(new float[8 * 4]);
        var error = Assert.Throws<InvalidOperationException>(() => panel.Append(new float[4]));
        Assert.Contains("do not fit a panel of 8", error.Message, StringComparison.Ordinal);
    }
}
