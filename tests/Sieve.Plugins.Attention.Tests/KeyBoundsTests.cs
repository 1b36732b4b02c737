namespace Sieve.Plugins.Attention.Tests;

/// <summary><see cref="KeyBounds"/> kept incrementally (as decoding appends keys) equals the bounds built at once and the plain definition.</summary>
public sealed class KeyBoundsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(193)]
    public void Append_InPieces_EqualsBoundsOfAllKeys(int piece)
    {
        const int headSize = 24, blockSize = 16, keys = 193;
        var random = new Random(piece);
        var data = Enumerable.Range(0, keys * headSize).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        var incremental = new KeyBounds(headSize, blockSize);
        for (var t = 0; t < keys; t += piece)
        {
            incremental.Append(data.AsSpan(t * headSize, Math.Min(piece, keys - t) * headSize));
        }

        Assert.Equal(keys, incremental.Length);
        Assert.Equal(13, incremental.Blocks);
        for (var block = 0; block < incremental.Blocks; block++)
        {
            for (var d = 0; d < headSize; d++)
            {
                var column = Enumerable.Range(block * blockSize, Math.Min(keys, (block + 1) * blockSize) - block * blockSize).Select(t => data[t * headSize + d]).ToList();
                Assert.Equal(column.Min(), incremental.Minimum(block)[d]);
                Assert.Equal(column.Max(), incremental.Maximum(block)[d]);
            }
        }
    }
}
