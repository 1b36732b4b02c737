using Sieve.Abstractions;

[assembly: SieveContractVersion(SieveContract.Major, SieveContract.Minor)]

namespace Sieve.TestPlugins.Throwing;

public sealed class ThrowingPlugin : ISievePlugin
{
    public string Name => "throwing";

    public void Register(IOperatorRegistry registry) =>
        throw new InvalidOperationException("the GPU kernels could not be found");
}
