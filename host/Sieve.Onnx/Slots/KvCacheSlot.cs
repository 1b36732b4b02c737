using Sieve.Abstractions;
using Sieve.Host.Operators.KvCache;

namespace Sieve.Host.Slots;

/// <summary><c>kv-cache</c>: the key/value cache between decode steps, allocated per generation batch. Reference <c>kv-cache/dense</c>.</summary>
internal sealed class KvCacheSlot : SlotDescriptor<IKvCache>
{
    public override string Name => "kv-cache";

    public override SlotPlacement Placement => SlotPlacement.AroundGraph;

    public override string Reference => DenseKvCache.Name;

    public override void AddBuiltIns(IOperatorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add<IKvCache, DenseKvCacheOptions>(DenseKvCache.Name, (_, services) => new DenseKvCache(services.GetService(typeof(IGpuDevice)) as IGpuDevice));
    }
}
