using Sieve.Abstractions;

[assembly: SieveContractVersion(SieveContract.Major, SieveContract.Minor)]

namespace Sieve.TestPlugins.CheckingMatMul;

/// <summary>
/// Registers <c>weight-quant/checking</c>: a weight-quant implementation that brings its own graph pass, built against the
/// contract only (the host has no code for its operator), to prove that a new operator family needs nothing outside
/// its plugin.
/// </summary>
public sealed class CheckingMatMulPlugin : ISievePlugin
{
    public string Name => "checking-matmul";

    public void Register(IOperatorRegistry registry) =>
        registry.Add<IWeightQuantizer, CheckingMatMulOptions>("checking", (options, _) => new CheckingWeightQuantizer(options));
}
