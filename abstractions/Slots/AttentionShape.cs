namespace Sieve.Abstractions;

/// <summary>The static description of one attention node, known before any run.</summary>
/// <param name="QueryHeads">Number of query heads.</param>
/// <param name="KeyValueHeads">Number of key/value heads (equal to <paramref name="QueryHeads"/> without grouped-query attention).</param>
/// <param name="HeadSize">Size of one head.</param>
/// <param name="Scale">Multiplier of the query-key product (usually 1/√<paramref name="HeadSize"/>).</param>
/// <param name="Causal">Whether a query may only attend to keys at or before its position.</param>
/// <param name="Layer">The layer index, for cross-layer state in <see cref="OperatorRunContext"/>.</param>
[System.Diagnostics.CodeAnalysis.Experimental("SIEVE001")]
public sealed record AttentionShape(int QueryHeads, int KeyValueHeads, int HeadSize, float Scale, bool Causal, int Layer)
{
    /// <summary>Where the node's tensors live (contract 2.1): an implementation without a CUDA path refuses CUDA nodes in
    /// <see cref="IAttention.CheckSupport"/>.</summary>
    public DeviceKind Device { get; init; } = DeviceKind.Cpu;

    /// <summary>
    /// When <see cref="Causal"/>: the key position of query 0, so query i sees keys up to i + CausalOffset (contract
    /// 3.0). Null: keyLength − queryLength, the queries being the last keys. The host sets it when a KV cache buffer is
    /// longer than the keys filled so far (an in-place cache); an implementation that cannot honour it refuses the call.
    /// </summary>
    public int? CausalOffset { get; init; }

    /// <summary>
    /// How many attention nodes the host found in the model (contract 4.1), set when support is checked at load so that an
    /// implementation with per-layer configuration can refuse a model of another depth; 0 when unknown (at run time).
    /// </summary>
    public int Layers { get; init; }
}
