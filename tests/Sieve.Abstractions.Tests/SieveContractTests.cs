using Sieve.Abstractions;

namespace Sieve.Abstractions.Tests;

public class SieveContractTests
{
    [Fact]
    public void Accepts_SameMajorAndNotNewerMinor_True() =>
        Assert.True(SieveContract.Accepts(SieveContract.Major, SieveContract.Minor));

    [Theory]
    [InlineData(SieveContract.Major + 1, 0)]
    [InlineData(SieveContract.Major - 1, 0)]
    [InlineData(SieveContract.Major, SieveContract.Minor + 1)]
    public void Accepts_OtherMajorOrNewerMinor_False(int major, int minor) =>
        Assert.False(SieveContract.Accepts(major, minor));

    [Fact]
    public void AssemblyVersion_MatchesContractVersion()
    {
        var version = typeof(SieveContract).Assembly.GetName().Version!;
        Assert.Equal((SieveContract.Major, SieveContract.Minor), (version.Major, version.Minor));
    }
}
