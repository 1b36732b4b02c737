using Sieve.Abstractions;
using Sieve.Kernels;

[assembly: SieveContractVersion(SieveContract.Major, SieveContract.Minor)]

namespace Sieve.TestPlugins.OldKernels;

/// <summary>Declares the current contract but calls a kernel of Sieve.Kernels 3.0.</summary>
public sealed class OldKernelsPlugin : ISievePlugin
{
    public string Name => "old-kernels";

    public void Register(IOperatorRegistry registry) =>
        throw new InvalidOperationException($"A refused plugin must never be registered (kernel {RemovedKernel.Run()}).");
}
