using Sieve.Abstractions;

// What a plugin built against an older, incompatible contract carries.
[assembly: SieveContractVersion(0, 9)]

namespace Sieve.TestPlugins.OldContract;

public sealed class OldContractPlugin : ISievePlugin
{
    public string Name => "old-contract";

    public void Register(IOperatorRegistry registry) =>
        throw new InvalidOperationException("A refused plugin must never be registered.");
}
