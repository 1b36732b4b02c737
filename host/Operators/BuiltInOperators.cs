using Sieve.Abstractions;
using Sieve.Host.Operators.Attention;
using Sieve.Host.Operators.KvCache;

namespace Sieve.Host.Operators;

/// <summary>The dense reference implementations built into the host, registered before any plugin.</summary>
internal static class BuiltInOperators
{
    public const string Origin = "built-in";

    public static IReadOnlyList<OperatorImplementation> All()
    {
        var registry = new OperatorRegistry(Origin);
        registry.Add<IAttention, DenseAttentionOptions>(DenseAttention.Name, (options, services) =>
            new DenseAttention(options, services.GetService(typeof(IGpuDevice)) as IGpuDevice));
        registry.Add<IKvCache, DenseKvCacheOptions>(DenseKvCache.Name, (_, services) => new DenseKvCache(services.GetService(typeof(IGpuDevice)) as IGpuDevice));
        return registry.Added;
    }
}
