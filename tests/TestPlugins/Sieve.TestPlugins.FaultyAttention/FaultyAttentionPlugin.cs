using Sieve.Abstractions;

[assembly: SieveContractVersion(SieveContract.Major, SieveContract.Minor)]

namespace Sieve.TestPlugins.FaultyAttention;

/// <summary>Registers attention/faulty: real dense attention that fails on purpose, to test how failures are reported.</summary>
public sealed class FaultyAttentionPlugin : ISievePlugin
{
    public string Name => "faulty-attention";

    public void Register(IOperatorRegistry registry) =>
        registry.Add<IAttention, FaultyAttentionOptions>("faulty", (options, _) => new FaultyAttention(options));
}
