using Sieve.Tools.Collection;

namespace Sieve.Host.Tests.Retrieval;

public class VerseExpanderTests
{
    /// <summary>Gen 1 (3 verses), Gen 2 (2), Exod 1 (3, verse 2 empty), Tob 1 (2, outside the canon).</summary>
    private static VerseExpander Expander()
    {
        ModuleVerse[] slots =
        [
            new("Gen", 1, 1, "a"), new("Gen", 1, 2, "b"), new("Gen", 1, 3, "c"), new("Gen", 2, 1, "d"), new("Gen", 2, 2, "e"),
            new("Exod", 1, 1, "f"), new("Exod", 1, 2, ""), new("Exod", 1, 3, "h"), new("Tob", 1, 1, "i"), new("Tob", 1, 2, "j"),
        ];
        var corpus = slots.Where(s => s.Markup.Length > 0 && BibleBooks.IsCanon(s.Book)).Select(s => s.Id).ToHashSet();
        return new VerseExpander(slots, corpus, BibleBooks.IsCanon);
    }

    private static (ReferenceOutcome Outcome, List<string> Verses, int WithoutText) Expand(string text)
    {
        Assert.True(OsisReference.TryParse(text, out var reference));
        var verses = new List<string>();
        var outcome = Expander().Expand(reference, verses, out var withoutText);
        return (outcome, verses, withoutText);
    }

    [Theory]
    [InlineData("Gen.1.2", "Gen.1.2")]
    [InlineData("Gen.1.1-Gen.1.3", "Gen.1.1 Gen.1.2 Gen.1.3")]
    [InlineData("Gen.1.3-Gen.2.1", "Gen.1.3 Gen.2.1")]
    [InlineData("Gen.2", "Gen.2.1 Gen.2.2")]
    [InlineData("Gen.1-Gen.2", "Gen.1.1 Gen.1.2 Gen.1.3 Gen.2.1 Gen.2.2")]
    [InlineData("Gen.2.2-Exod.1.1", "Gen.2.2 Exod.1.1")]
    [InlineData("Ge.2.1", "Gen.2.1")]
    [InlineData("Genesis.2.1", "Gen.2.1")]
    [InlineData("ex.1.1-3", "Exod.1.1 Exod.1.3")]
    public void Expand_Resolvable_ListsCorpusVersesInOrder(string text, string expected)
    {
        var (outcome, verses, _) = Expand(text);

        Assert.Equal(ReferenceOutcome.Resolved, outcome);
        Assert.Equal(expected.Split(' '), verses);
    }

    [Fact]
    public void Expand_RangeOverEmptyVerse_CountsItWithoutText()
    {
        var (outcome, verses, withoutText) = Expand("Exod.1");

        Assert.Equal(ReferenceOutcome.Resolved, outcome);
        Assert.Equal(["Exod.1.1", "Exod.1.3"], verses);
        Assert.Equal(1, withoutText);
    }

    [Theory]
    [InlineData("Exod.1.2", "NoText")]
    [InlineData("Gen.3.1", "OutOfRange")]
    [InlineData("Gen.1.4", "OutOfRange")]
    [InlineData("Gen.1.2-Gen.1.9", "OutOfRange")]
    [InlineData("Tob.1.1", "OutsideCorpus")]
    [InlineData("PrAzar.1.2", "OutsideCorpus")]
    [InlineData("Foo.1.1", "UnknownBook")]
    [InlineData("Gen.1.3-Gen.1.1", "Malformed")]
    public void Expand_Unresolvable_ReportsWhy(string text, string expected)
    {
        var (outcome, verses, _) = Expand(text);

        Assert.Equal(expected, outcome.ToString());
        Assert.Empty(verses);
    }

    [Fact]
    public void Expand_CanonBookMissingFromModule_IsOutsideCorpus()
    {
        var (outcome, _, _) = Expand("Rev.1.1");

        Assert.Equal(ReferenceOutcome.OutsideCorpus, outcome);
    }
}
