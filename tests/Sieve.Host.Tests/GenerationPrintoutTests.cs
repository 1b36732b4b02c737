using Sieve.Host.Generation;

namespace Sieve.Host.Tests;

public class GenerationPrintoutTests
{
    public static TheoryData<string, int, string> Lines => new()
    {
        { "short", 20, "short" },
        { "  leading space and a second line\nsecond", 80, "leading space and a second line …" },
        { "trailing blank lines\n\n  \n", 80, "trailing blank lines" },
        { "cut at a word boundary please", 20, "cut at a word …" },
        { "averyveryverylongwordwithoutspaces", 10, "averyvery …" },
        { "\n\n", 10, "(empty)" },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void FirstLine_CutsToTheFirstLineAndWidth(string text, int maxChars, string expected) =>
        Assert.Equal(expected, GenerationPrintout.FirstLine(text, maxChars));

    [Fact]
    public void FirstLine_EmptyFirstLineWithTextBelow_ShowsTheTextBelow() =>
        Assert.Equal("below", GenerationPrintout.FirstLine("\n  below", 20));
}
