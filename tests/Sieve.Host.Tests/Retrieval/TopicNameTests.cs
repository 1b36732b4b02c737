using Sieve.Tools.Collection;

namespace Sieve.Host.Tests.Retrieval;

public class TopicNameTests
{
    [Theory]
    [InlineData("AARON", "Aaron")]
    [InlineData("ABEL-BETH-MAACHAH", "Abel-Beth-Maachah")]
    [InlineData("AVENGER OF BLOOD", "Avenger of Blood")]
    [InlineData("LORD'S SUPPER", "Lord's Supper")]
    [InlineData("ANGEL (a spirit)", "Angel (a spirit)")]
    [InlineData("ASS (DONKEY)", "Ass (Donkey)")]
    [InlineData("ABSTINENCE, TOTAL", "Abstinence, Total")]
    [InlineData("OF THE CHURCHES", "Of the Churches")]
    [InlineData("HEROD II", "Herod II")]
    public void Normalize_NaveKey_GivesTitleCase(string key, string expected) =>
        Assert.Equal(expected, TopicName.Normalize(key));
}
