using Sieve.Abstractions;

[assembly: SieveContractVersion(SieveContract.Major, SieveContract.Minor)]

namespace Sieve.TestPlugins.MemoryIndex;

/// <summary>A small but real plugin: a brute-force sparse index kept in one text file, for plugin-loading tests.</summary>
public sealed class MemoryIndexPlugin : ISievePlugin
{
    public string Name => "memory-index";

    public void Register(IOperatorRegistry registry) =>
        registry.Add<ISparseIndex, MemoryIndexOptions>("memory", (options, _) => new MemorySparseIndex(options));
}
