using Sieve.Host.Tests.Operators.LexicalHead;
using Sieve.Kernels.Lexical;

namespace Sieve.Plugins.Heads.Tests;

/// <summary>
/// The fused head's scalar path (machines without Vector256). The suite that runs both heads, vector paths and GPU
/// paths, is tests/Sieve.Host.Tests/Operators/LexicalHead (the host loads this plugin there as it does in production).
/// </summary>
public sealed class FusedLexicalEncoderTests
{
    [Theory]
    [InlineData(1, 1, 7, 1)]
    [InlineData(3, 17, 193, 33)]
    [InlineData(2, 6, 31, 10)]
    public void Encode_ScalarPath_MatchesOracle(int batch, int sequence, int vocabulary, int hidden)
    {
        var fixture = new LexicalHeadFixture(batch, sequence, vocabulary, hidden);
        using var encoder = new FusedLexicalEncoder(new PackedVocabulary(fixture.Projection()), new LexicalHeadOptions { TopK = 0 }) { Vectorized = false };

        var actual = fixture.Densify(fixture.Encode(encoder));

        LexicalHeadFixture.AssertClose(fixture.Oracle(), actual);
    }
}
