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
}
