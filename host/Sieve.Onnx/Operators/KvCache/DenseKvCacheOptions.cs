namespace Sieve.Host.Operators.KvCache;

/// <summary>Options of <c>kv-cache/dense</c>: none yet; the cache keeps every key and value in float32.</summary>
public sealed class DenseKvCacheOptions;
