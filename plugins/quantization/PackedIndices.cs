namespace Sieve.Plugins.Quantization;

/// <summary>
/// How the dense part's centroid indices are packed: each output channel's K indices in blocks of 32, a block in
/// <c>bits</c> 32-bit words (the last block zero-padded). 4 bits: word j of a block holds indices 8j..8j+7, index i in
/// bits 4(i mod 8)..4(i mod 8)+3. 3 bits: bit planes, word p holds bit p of the block's 32 indices (index i at bit i).
/// Both fill every bit, so a channel takes exactly ⌈K/32⌉·bits words.
/// </summary>
internal static class PackedIndices
{
    /// <summary>Indices per block.</summary>
    public const int BlockSize = 32;

    /// <summary>Blocks of one channel of <paramref name="inputSize"/> indices.</summary>
    public static int Blocks(int inputSize) => (inputSize + BlockSize - 1) / BlockSize;

    /// <summary>Words of one channel.</summary>
    public static int WordsPerChannel(int inputSize, int bits) => Blocks(inputSize) * bits;

    /// <summary>Packs <paramref name="indices"/> (each below 2^bits) into <paramref name="words"/> (cleared first).</summary>
    public static void Pack(ReadOnlySpan<byte> indices, int bits, Span<uint> words)
    {
        words.Clear();
        for (var i = 0; i < indices.Length; i++)
        {
            var block = i / BlockSize;
            var lane = i % BlockSize;
            uint index = indices[i];
            if (bits == 4)
            {
                words[block * 4 + lane / 8] |= index << (lane % 8 * 4);
            }
            else
            {
                for (var plane = 0; plane < bits; plane++)
                {
                    words[block * bits + plane] |= ((index >> plane) & 1u) << lane;
                }
            }
        }
    }

    /// <summary>The index at <paramref name="lane"/> of a block whose words start at <paramref name="block"/>.</summary>
    public static int Index(ReadOnlySpan<uint> block, int bits, int lane) => bits == 4
        ? (int)((block[lane >> 3] >> ((lane & 7) * 4)) & 15u)
        : (int)(((block[0] >> lane) & 1u) | (((block[1] >> lane) & 1u) << 1) | (((block[2] >> lane) & 1u) << 2));

    /// <summary>Unpacks <paramref name="indices"/>.Length indices.</summary>
    public static void Unpack(ReadOnlySpan<uint> words, int bits, Span<byte> indices)
    {
        for (var i = 0; i < indices.Length; i++)
        {
            indices[i] = (byte)Index(words.Slice(i / BlockSize * bits, bits), bits, i % BlockSize);
        }
    }
}
