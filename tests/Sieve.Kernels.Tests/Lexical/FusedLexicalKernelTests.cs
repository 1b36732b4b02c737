using Sieve.Kernels.Lexical;

namespace Sieve.Kernels.Tests.Lexical;

public sealed class FusedLexicalKernelTests
{
    private const int Hidden = 13;

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(11)]
    public void PanelMax_TokensNotMultipleOfRows_SameAsScalar(int tokens)
    {
        var (panel, rows) = RandomPanelAndRows(tokens);
        var vector = new float[16];
        var scalar = new float[16];

        FusedLexicalKernel.PanelMax(panel, rows, tokens, Hidden, vector, vectorized: true);
        FusedLexicalKernel.PanelMax(panel, rows, tokens, Hidden, scalar, vectorized: false);

        for (var j = 0; j < 16; j++)
        {
            Assert.Equal(scalar[j], vector[j], 1e-5f);
        }
    }

    [Theory]
    [InlineData(1, 16, true)]
    [InlineData(5, 16, true)]
    [InlineData(11, 7, true)]
    [InlineData(4, 1, true)]
    [InlineData(6, 9, false)]
    public void PanelLogits_StoresValidRowsAndTerms_MaximumIsPanelMax(int tokens, int terms, bool vectorized)
    {
        const int Stride = 19;
        var (panel, rows) = RandomPanelAndRows(tokens);
        var logits = new float[(tokens + 1) * Stride];
        Array.Fill(logits, float.NaN);
        var maxima = new float[16];

        FusedLexicalKernel.PanelLogits(panel, rows, tokens, Hidden, logits, Stride, terms, vectorized);
        FusedLexicalKernel.PanelMax(panel, rows, tokens, Hidden, maxima, vectorized);

        for (var t = 0; t <= tokens; t++)
        {
            for (var j = 0; j < Stride; j++)
            {
                var value = logits[t * Stride + j];
                if (t == tokens || j >= terms)
                {
                    Assert.True(float.IsNaN(value), $"token {t}, term {j} was written");
                    continue;
                }
                double expected = 0;
                for (var k = 0; k < Hidden; k++)
                {
                    expected += (double)rows[t * Hidden + k] * panel[k * 16 + j];
                }
                Assert.Equal(expected, value, 1e-5);
            }
        }
        for (var j = 0; j < terms; j++)
        {
            var max = float.NegativeInfinity;
            for (var t = 0; t < tokens; t++)
            {
                max = Math.Max(max, logits[t * Stride + j]);
            }
            Assert.Equal(maxima[j], max); // the same kernel: bit for bit
        }
    }

    private static (float[] Panel, float[] Rows) RandomPanelAndRows(int tokens)
    {
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
        return (panel, rows);
    }
}
