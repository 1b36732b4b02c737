using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>
/// Creates the key/value caches a generation batch decodes with. The dense reference keeps every key and value;
/// compressed caches keep some in lower precision or drop them. Thread-safe.
/// </summary>
[OperatorSlot(OperatorSlots.KvCache)]
[Experimental("SIEVE001")]
public interface IKvCache
{
    /// <summary>Allocates a cache for one batch, sized once for the job's maximum length.</summary>
    /// <param name="layers">Number of decoder layers.</param>
    /// <param name="batch">Number of sequences.</param>
    /// <param name="keyValueHeads">Key/value heads per layer.</param>
    /// <param name="maxLength">Maximum tokens per sequence (prompt plus generated).</param>
    /// <param name="headSize">Size of one head.</param>
    /// <returns>A cache owned by the caller, who disposes it when the batch ends.</returns>
    IKvCacheBuffer Allocate(int layers, int batch, int keyValueHeads, int maxLength, int headSize);
}

/// <summary>One batch's key/value cache. Not thread-safe: one batch decodes on one thread at a time.</summary>
[Experimental("SIEVE001")]
public interface IKvCacheBuffer : IDisposable
{
    /// <summary>Tokens held so far for each sequence (same for all layers).</summary>
    int Length { get; }

    /// <summary>Appends the keys and values of <paramref name="count"/> new tokens of one layer.</summary>
    /// <param name="layer">The layer.</param>
    /// <param name="keys">[batch, keyValueHeads, count, headSize].</param>
    /// <param name="values">[batch, keyValueHeads, count, headSize].</param>
    /// <param name="count">New tokens per sequence.</param>
    /// <exception cref="InvalidOperationException">The cache would exceed its maximum length.</exception>
    void Append(int layer, TensorView<float> keys, TensorView<float> values, int count);

    /// <summary>Marks the step complete: <see cref="Length"/> grows by the count last appended to every layer.</summary>
    void Advance(int count);

    /// <summary>Copies one layer's keys and values, dequantized, into [batch, keyValueHeads, Length, headSize] views.</summary>
    void Read(int layer, TensorView<float> keys, TensorView<float> values);
}
