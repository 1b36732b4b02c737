using Sieve.Abstractions;

[assembly: SieveContractVersion(SieveContract.Major, SieveContract.Minor)]

namespace Sieve.Plugins.Retrieval;

/// <summary>The retrieval plugin: registers <c>sparse-index/inverted</c>.</summary>
public sealed class RetrievalPlugin : ISievePlugin
{
    public string Name => "retrieval";

    public void Register(IOperatorRegistry registry) =>
        registry.Add<ISparseIndex, InvertedIndexOptions>(InvertedIndex.Name, (options, _) => new InvertedIndex(options));
}
