using Sieve.Abstractions;

namespace Sieve.Kernels;

/// <summary>Sizes of one attention call: query [Batch, QueryHeads, QueryLength, HeadSize], keys/values [Batch, KeyValueHeads, KeyLength, HeadSize].</summary>
public readonly record struct AttentionDims(int Batch, int QueryHeads, int KeyValueHeads, int QueryLength, int KeyLength, int HeadSize)
{
    /// <summary>Query heads per key/value head (grouped-query attention).</summary>
    public int Group => QueryHeads / KeyValueHeads;

    /// <summary>The sizes of an <see cref="IAttention"/> call: query [B, H, S, D], key [B, Hkv, T, D].</summary>
    public static AttentionDims Of(TensorView<float> query, TensorView<float> key) => new(
        (int)query.Shape[0], (int)query.Shape[1], (int)key.Shape[1], (int)query.Shape[2], (int)key.Shape[2], (int)query.Shape[3]);

    /// <summary>The sizes of an <see cref="IAttention"/> call with the node's causal offset.</summary>
    public static AttentionDims Of(TensorView<float> query, TensorView<float> key, AttentionShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return Of(query, key) with { QueryPosition = shape.CausalOffset };
    }

    /// <summary>Key position of query 0 when set (an in-place KV cache longer than its filled keys); see <see cref="CausalOffset"/>.</summary>
    public int? QueryPosition { get; init; }

    /// <summary>Under a causal mask query i sees keys up to i + CausalOffset: <see cref="QueryPosition"/>, else the queries are the last keys.</summary>
    public int CausalOffset => QueryPosition ?? KeyLength - QueryLength;

    /// <summary>Whether the queries are the last keys (what kernels without an offset assume).</summary>
    public bool QueriesAreLastKeys => CausalOffset == KeyLength - QueryLength;

    /// <summary>
    /// The sizes a node's <see cref="AttentionShape"/> fixes before any run (one batch row, one query and key; heads at
    /// least 1), for checking support at load; lengths are checked per call.
    /// </summary>
    public static AttentionDims Of(AttentionShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return new AttentionDims(1, shape.QueryHeads, Math.Max(1, shape.KeyValueHeads), 1, 1, shape.HeadSize);
    }

    /// <summary>What the CPU kernels cannot run, as an <see cref="IAttention.CheckSupport"/> reason, or null.</summary>
    public static string? Unsupported(AttentionShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.QueryHeads > 0 && shape.KeyValueHeads > 0 && shape.QueryHeads % shape.KeyValueHeads != 0)
        {
            return $"{shape.QueryHeads} query heads are not a multiple of {shape.KeyValueHeads} key/value heads";
        }
        return shape.HeadSize > 1024 ? $"head size {shape.HeadSize} is above the CPU kernels' limit of 1024" : null;
    }
}
