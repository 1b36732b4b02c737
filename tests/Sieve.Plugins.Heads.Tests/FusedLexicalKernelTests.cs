namespace Sieve.Plugins.Heads.Tests;

public sealed class FusedLexicalKernelTests
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

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(11)]
    public void PanelMax_TokensNotMultipleOfRows_SameAsScalar(int tokens)
    {
        const int Hidden = 13;
        var random = new Random(tokens);
        var panel = new float[Hidden * PackedVocabulary.PanelTerms];
        var rows = new float[tokens * Hidden];
        for (var i = 0; i < panel.Length; i++)
        {
            panel[i] = random.NextSingle() - 0.5f;
        }
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = random.NextSingle() - 0.5f;
        }
        var vector = new float[16];
        var scalar = new float[16];

        FusedLexicalKernel.PanelMax(panel, rows, tokens, Hidden, vector, vectorized: true);
        FusedLexicalKernel.PanelMax(panel, rows, tokens, Hidden, scalar, vectorized: false);

        for (var j = 0; j < 16; j++)
        {
            Assert.Equal(scalar[j], vector[j], 1e-5f);
        }
    }
}
