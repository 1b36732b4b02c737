namespace Sieve.Plugins.Quantization.Tests;

public class PackedIndicesTests
{
    public static TheoryData<int, int> Lengths => new() { { 1, 3 }, { 31, 3 }, { 33, 3 }, { 77, 3 }, { 1, 4 }, { 32, 4 }, { 77, 4 }, { 193, 4 } };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void PackThenUnpack_GivesTheIndicesBack(int length, int bits)
    {
        var random = new Random(length * bits);
        var indices = new byte[length];
        for (var i = 0; i < length; i++)
        {
            indices[i] = (byte)random.Next(1 << bits);
        }
        var words = new uint[PackedIndices.WordsPerChannel(length, bits)];

        PackedIndices.Pack(indices, bits, words);
        var unpacked = new byte[length];
        PackedIndices.Unpack(words, bits, unpacked);

        Assert.Equal(indices, unpacked);
        Assert.Equal((length + 31) / 32 * bits, words.Length);
    }

    [Fact]
    public void Pack_FourBits_PutsIndexIInNibbleIOfItsWord()
    {
        var indices = new byte[32];
        indices[9] = 0xA;
        var words = new uint[4];

        PackedIndices.Pack(indices, 4, words);

        Assert.Equal(0xAu << 4, words[1]);
        Assert.Equal(0u, words[0] | words[2] | words[3]);
    }

    [Fact]
    public void Pack_ThreeBits_UsesBitPlanes()
    {
        var indices = new byte[32];
        indices[5] = 0b101;
        var words = new uint[3];

        PackedIndices.Pack(indices, 3, words);

        Assert.Equal([1u << 5, 0u, 1u << 5], words);
    }
}
