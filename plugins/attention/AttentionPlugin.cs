using Sieve.Abstractions;

[assembly: SieveContractVersion(SieveContract.Major, SieveContract.Minor)]

namespace Sieve.Plugins.Attention;

/// <summary>The attention plugin: registers <c>attention/block-sparse</c>.</summary>
public sealed class AttentionPlugin : ISievePlugin
{
    public string Name => "attention";

    public void Register(IOperatorRegistry registry) =>
        registry.Add<IAttention, BlockSparseAttentionOptions>(BlockSparseAttention.Name, (options, services) =>
            new BlockSparseAttention(options, services.GetService(typeof(IGpuDevice)) as IGpuDevice));
}
