namespace Sieve.Plugins.Attention;

/// <summary>
/// Quest's per-block key summary for one key head: the elementwise minimum and maximum of each block's keys, kept
/// incrementally: <see cref="Append"/> widens the last (partial) block and opens new ones, so decoding one token costs
/// one key's worth of work and the bounds always equal those built from all keys at once. Not thread-safe while
/// appending; safe to read from many threads afterwards.
/// </summary>
internal sealed class KeyBounds
{
    private float[] _minimum;
    private float[] _maximum;

    public KeyBounds(int headSize, int blockSize, int expectedKeys = 0)
    {
        HeadSize = headSize;
        BlockSize = blockSize;
        var blocks = Math.Max(1, (expectedKeys + blockSize - 1) / blockSize);
        _minimum = new float[blocks * headSize];
        _maximum = new float[blocks * headSize];
    }

    public int HeadSize { get; }

    public int BlockSize { get; }

    /// <summary>Keys appended so far.</summary>
    public int Length { get; private set; }

    /// <summary>Blocks holding at least one key.</summary>
    public int Blocks => (Length + BlockSize - 1) / BlockSize;

    /// <summary>Adds keys ([count, headSize], row-major) after those already summarised.</summary>
    public void Append(ReadOnlySpan<float> keys)
    {
        var count = keys.Length / HeadSize;
        var needed = (Length + count + BlockSize - 1) / BlockSize * HeadSize;
        if (needed > _minimum.Length)
        {
            var size = Math.Max(needed, 2 * _minimum.Length);
            Array.Resize(ref _minimum, size);
            Array.Resize(ref _maximum, size);
        }
        for (var t = 0; t < count; t++, Length++)
        {
            var key = keys.Slice(t * HeadSize, HeadSize);
            var at = Length / BlockSize * HeadSize;
            if (Length % BlockSize == 0)
            {
                key.CopyTo(_minimum.AsSpan(at, HeadSize));
                key.CopyTo(_maximum.AsSpan(at, HeadSize));
                continue;
            }
            for (var d = 0; d < HeadSize; d++)
            {
                _minimum[at + d] = Math.Min(_minimum[at + d], key[d]);
                _maximum[at + d] = Math.Max(_maximum[at + d], key[d]);
            }
        }
    }

    public ReadOnlySpan<float> Minimum(int block) => _minimum.AsSpan(block * HeadSize, HeadSize);

    public ReadOnlySpan<float> Maximum(int block) => _maximum.AsSpan(block * HeadSize, HeadSize);
}
