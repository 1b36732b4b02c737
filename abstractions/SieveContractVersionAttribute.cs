namespace Sieve.Abstractions;

/// <summary>
/// Declares, on a plugin assembly, the contract version it was built against. Write it as
/// <c>[assembly: SieveContractVersion(SieveContract.Major, SieveContract.Minor)]</c> so the compiler records the
/// constants of the contract you referenced. The host refuses assemblies without it.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class SieveContractVersionAttribute(int major, int minor) : Attribute
{
    /// <summary>The contract's major version at build time.</summary>
    public int Major { get; } = major;

    /// <summary>The contract's minor version at build time.</summary>
    public int Minor { get; } = minor;
}
