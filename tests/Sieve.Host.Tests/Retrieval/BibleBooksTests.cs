using Sieve.Tools.Collection;

namespace Sieve.Host.Tests.Retrieval;

public class BibleBooksTests
{
    [Fact]
    public void Canon_Always_Has66BooksFromGenesisToRevelation()
    {
        Assert.Equal(66, BibleBooks.Canon.Count);
        Assert.Equal("Gen", BibleBooks.Canon[0]);
        Assert.Equal("Mal", BibleBooks.Canon[38]);
        Assert.Equal("Matt", BibleBooks.Canon[39]);
        Assert.Equal("Rev", BibleBooks.Canon[^1]);
    }

    [Theory]
    [InlineData("Ge", "Gen")]
    [InlineData("Ex", "Exod")]
    [InlineData("Jos", "Josh")]
    [InlineData("Jud", "Judg")]
    [InlineData("1Ch", "1Chr")]
    [InlineData("2 Ch", "2Chr")]
    [InlineData("Mr", "Mark")]
    [InlineData("Php", "Phil")]
    [InlineData("Phm", "Phlm")]
    [InlineData("1Jo", "1John")]
    [InlineData("Re", "Rev")]
    [InlineData("Song of Solomon", "Song")]
    [InlineData("Revelation of John", "Rev")]
    [InlineData("PS", "Ps")]
    [InlineData("Jude", "Jude")]
    public void TryResolve_NaveAbbreviationOrName_GivesOsisId(string name, string expected)
    {
        Assert.True(BibleBooks.TryResolve(name, out var id));
        Assert.Equal(expected, id);
    }

    [Theory]
    [InlineData("Wis")]
    [InlineData("PrAzar")]
    [InlineData("Foo")]
    public void TryResolve_NotInTheCanon_ReturnsFalse(string name) =>
        Assert.False(BibleBooks.TryResolve(name, out _));
}
