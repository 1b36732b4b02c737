using Sieve.Abstractions;

[assembly: SieveContractVersion(SieveContract.Major, SieveContract.Minor)]

namespace Sieve.TestPlugins.NoEntryPoint;

/// <summary>A library that declares the contract but has no ISievePlugin class.</summary>
public static class Helper
{
    public static int Twice(int value) => 2 * value;
}
