using System.Collections.Concurrent;

namespace Sieve.Abstractions;

/// <summary>
/// State shared by every operator call of one run: cross-layer data such as reused top-k block indices, per-layer
/// ratios or KV pages. A run is one session run of a batch (embeddings, a scoring forward); in <c>generate</c> it is
/// the whole generation batch: the prefill chunks and every decode step share one context, created with the batch's KV
/// cache and dropped with it, so per-layer state may grow step by step. The calls of one layer come in step order;
/// state kept across steps must check that the keys it summarised are still the call's (a context may outlive a
/// sequence in tests and tools). Thread-safe: operators of different layers may run concurrently.
/// </summary>
public sealed class OperatorRunContext
{
    private readonly ConcurrentDictionary<string, object> _items = new(StringComparer.Ordinal);

    /// <summary>Creates a context for one run.</summary>
    /// <param name="device">Where the run's tensors live.</param>
    /// <param name="cancellation">Signalled when the job is stopping.</param>
    public OperatorRunContext(DeviceKind device, CancellationToken cancellation = default)
    {
        Device = device;
        Cancellation = cancellation;
    }

    /// <summary>Where the run's tensors live.</summary>
    public DeviceKind Device { get; }

    /// <summary>Signalled when the job is stopping; long operators should check it between layers.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>
    /// Returns the item stored under <paramref name="key"/>, creating it with <paramref name="create"/> on first use.
    /// Keys should be prefixed with the implementation's name to avoid clashes.
    /// </summary>
    /// <exception cref="InvalidCastException">An item of another type is already stored under the key.</exception>
    public T GetOrAdd<T>(string key, Func<T> create) where T : class
    {
        ArgumentNullException.ThrowIfNull(create);
        return (T)_items.GetOrAdd(key, _ => create());
    }

    /// <summary>Returns the item stored under <paramref name="key"/>, if any.</summary>
    public bool TryGet<T>(string key, out T? item) where T : class
    {
        if (_items.TryGetValue(key, out var value) && value is T typed)
        {
            item = typed;
            return true;
        }
        item = null;
        return false;
    }
}
