using Sieve.Abstractions;

[assembly: SieveContractVersion(SieveContract.Major, SieveContract.Minor)]

namespace Sieve.Plugins.Attention;

/// <summary>The attention plugin: registers <c>attention/block-sparse</c> and <c>attention/layer-reuse</c>.</summary>
public sealed class AttentionPlugin : ISievePlugin
{
    public string Name => "attention";

    public void Register(IOperatorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add<IAttention, BlockSparseAttentionOptions>(BlockSparseAttention.Name, (options, services) =>
            new BlockSparseAttention(options, services.GetService(typeof(IGpuDevice)) as IGpuDevice));
        registry.Add<IAttention, LayerReuseAttentionOptions>(LayerReuseAttention.Name, (options, _) => new LayerReuseAttention(options));
    }
}
