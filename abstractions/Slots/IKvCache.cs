using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>
/// Creates the key/value caches a generation batch decodes with. The dense reference keeps every key and value as the
/// model reads them; a compressed cache may keep them in lower precision and expand them for each step. Thread-safe.
/// </summary>
[OperatorSlot(OperatorSlots.KvCache)]
[Experimental("SIEVE001")]
public interface IKvCache
{
    /// <summary>Allocates a cache for one batch, sized once for the batch's maximum length; nothing is allocated per step.</summary>
    /// <param name="layers">Number of decoder layers.</param>
    /// <param name="batch">Number of sequences.</param>
    /// <param name="keyValueHeads">Key/value heads per layer.</param>
    /// <param name="maxLength">Maximum tokens per sequence (prompt plus generated).</param>
    /// <param name="headSize">Size of one head.</param>
    /// <returns>A cache owned by the caller, who disposes it when the batch ends.</returns>
    IKvCacheBuffer Allocate(int layers, int batch, int keyValueHeads, int maxLength, int headSize);
}

/// <summary>
/// One batch's key/value cache, in the layout of a model's <c>past_key_values.N.key/value</c> inputs and
/// <c>present.N.key/value</c> outputs ([batch, keyValueHeads, tokens, headSize], contiguous). Each step the model reads
/// <see cref="Past"/> and writes <see cref="Present"/>; <see cref="Advance"/> makes the present the next past. Not
/// thread-safe: one batch decodes on one thread at a time.
/// </summary>
[Experimental("SIEVE001")]
public interface IKvCacheBuffer : IDisposable
{
    /// <summary>Tokens held for each sequence (the same for all layers).</summary>
    int Length { get; }

    /// <summary>The most tokens the cache can hold.</summary>
    int MaxLength { get; }

    /// <summary>
    /// The past of one layer as the model reads it: [batch, keyValueHeads, <see cref="Length"/>, headSize]. Owned by the
    /// cache; valid until the next <see cref="Advance"/>.
    /// </summary>
    Memory<float> Past(int layer, KvPart part);

    /// <summary>
    /// Where the model writes one layer's present for a step of <paramref name="count"/> new tokens:
    /// [batch, keyValueHeads, <see cref="Length"/> + <paramref name="count"/>, headSize]. Owned by the cache; it must not
    /// overlap <see cref="Past"/> of the same layer and part.
    /// </summary>
    /// <exception cref="InvalidOperationException">The cache would exceed <see cref="MaxLength"/>.</exception>
    Memory<float> Present(int layer, KvPart part, int count);

    /// <summary>Ends a step: the presents written become the past, and <see cref="Length"/> grows by <paramref name="count"/>.</summary>
    /// <exception cref="InvalidOperationException">The count differs from the step's, or exceeds <see cref="MaxLength"/>.</exception>
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
