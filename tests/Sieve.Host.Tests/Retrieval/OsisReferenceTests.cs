using Sieve.Tools.Collection;

namespace Sieve.Host.Tests.Retrieval;

public class OsisReferenceTests
{
    public static TheoryData<string, string> Valid => new()
    {
        { "Ps.34.1", "Ps.34.1" },
        { "Ps.34.1-Ps.34.8", "Ps.34.1-Ps.34.8" },
        { "Exod.28", "Exod.28" },
        { "Gen.1-Gen.3", "Gen.1-Gen.3" },
        { "Gen.1.31-Gen.2.3", "Gen.1.31-Gen.2.3" },
        { "Mal.4.6-Matt.1.1", "Mal.4.6-Matt.1.1" },
        { "Ps.34.1-34.8", "Ps.34.1-Ps.34.8" },
        { "Ps.34.1-8", "Ps.34.1-Ps.34.8" },
        { "Ps.34-35", "Ps.34-Ps.35" },
        { " 1Chr.6.3 ", "1Chr.6.3" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void TryParse_WellFormed_ReadsStartAndEnd(string text, string expected)
    {
        Assert.True(OsisReference.TryParse(text, out var reference));
        Assert.Equal(expected, reference.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("Gen")]
    [InlineData("Gen.x")]
    [InlineData("Gen.1.2.3")]
    [InlineData("Gen.0.1")]
    [InlineData("Gen.1.1-")]
    [InlineData("1.1")]
    [InlineData("Gen.1.1-Exod")]
    public void TryParse_Malformed_ReturnsFalse(string text) =>
        Assert.False(OsisReference.TryParse(text, out _));
}
