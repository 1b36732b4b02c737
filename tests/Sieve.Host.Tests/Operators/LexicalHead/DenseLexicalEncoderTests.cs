using Sieve.Host.Operators.LexicalHead;
using Sieve.Kernels.Lexical;

namespace Sieve.Host.Tests.Operators.LexicalHead;

/// <summary>The dense reference's scalar path (machines without Vector256); the vector path is checked by <see cref="LexicalHeadTests"/>.</summary>
public sealed class DenseLexicalEncoderTests
{
    [Theory]
    [InlineData(1, 1, 7, 1)]
    [InlineData(3, 17, 193, 33)]
    [InlineData(2, 6, 31, 10)]
    public void Encode_DenseScalarPath_MatchesOracle(int batch, int sequence, int vocabulary, int hidden)
    {
        var fixture = new LexicalHeadFixture(batch, sequence, vocabulary, hidden);
        using var encoder = new DenseLexicalEncoder(new PackedVocabulary(fixture.Projection()), new LexicalHeadOptions { TopK = 0 }) { Vectorized = false };

        var actual = fixture.Densify(fixture.Encode(encoder));

        LexicalHeadFixture.AssertClose(fixture.Oracle(), actual);
    }
}
