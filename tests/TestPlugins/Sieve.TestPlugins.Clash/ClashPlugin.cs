using Sieve.Abstractions;

[assembly: SieveContractVersion(SieveContract.Major, SieveContract.Minor)]

namespace Sieve.TestPlugins.Clash;

/// <summary>Registers sparse-index/memory, which the memory-index plugin also registers.</summary>
public sealed class ClashPlugin : ISievePlugin
{
    /// <summary>Tests set the name to make this plugin clash by name instead of by implementation.</summary>
    public string Name => Environment.GetEnvironmentVariable("SIEVE_TEST_CLASH_PLUGIN_NAME") ?? "clash";

    public void Register(IOperatorRegistry registry) =>
        registry.Add<ISparseIndex, object>("memory", (_, _) => throw new NotSupportedException());
}
