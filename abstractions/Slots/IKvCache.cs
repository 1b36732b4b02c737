using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>
/// Creates the key/value caches a generation batch decodes with (slot <c>kv-cache</c>). The dense reference keeps every key and value as the
/// model reads them; a compressed cache may keep them in lower precision and expand them for each step. Thread-safe.
/// </summary>
[Experimental("SIEVE001")]
public interface IKvCache
{
    /// <summary>Allocates a cache for one batch, sized once for the batch's maximum length; nothing is allocated per step.</summary>
    /// <param name="shape">The batch's layers, sequences, heads, maximum length and device.</param>
    /// <returns>A cache owned by the caller, who disposes it when the batch ends.</returns>
    /// <exception cref="NotSupportedException">The implementation cannot keep a cache on the shape's device.</exception>
    IKvCacheBuffer Allocate(KvCacheShape shape);
}

/// <summary>
/// One batch's key/value cache: per layer and part one buffer of [batch, keyValueHeads, <see cref="MaxLength"/>,
/// headSize] (contiguous), bound as both the model's <c>past_key_values.N.key/value</c> input and its
/// <c>present.N.key/value</c> output, so that a step reads the first <see cref="Length"/> positions and writes its new
/// tokens after them in place: nothing is copied per step. <see cref="Advance"/> ends a step. Not thread-safe: one batch
/// decodes on one thread at a time. (Contract 3.0; 2.x had separate past and present buffers.)
/// </summary>
[Experimental("SIEVE001")]
public interface IKvCacheBuffer : IDisposable
{
    /// <summary>Tokens held for each sequence (the same for all layers).</summary>
    int Length { get; }

    /// <summary>The most tokens the cache can hold.</summary>
    int MaxLength { get; }

    /// <summary>Where <see cref="Layer"/>'s memory lives.</summary>
    DeviceKind Device { get; }

    /// <summary>
    /// One layer's keys or values: [batch, keyValueHeads, <see cref="MaxLength"/>, headSize], of which the first
    /// <see cref="Length"/> positions are filled. Positions never written hold finite values (the model's mask hides
    /// them, but NaN would survive a masked product). Owned by the cache; the same memory for the whole batch: a host
    /// view on the CPU, a device view on CUDA.
    /// </summary>
    TensorView<float> Layer(int layer, KvPart part);

    /// <summary>Ends a step that wrote <paramref name="count"/> new positions: <see cref="Length"/> grows by it.</summary>
    /// <exception cref="InvalidOperationException">The count is below 1 or the cache would exceed <see cref="MaxLength"/>.</exception>
    void Advance(int count);
}

/// <summary>Which half of a layer's cache.</summary>
public enum KvPart
{
    /// <summary>The keys.</summary>
    Key,

    /// <summary>The values.</summary>
    Value,
}
