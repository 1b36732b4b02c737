using Sieve.Abstractions;

namespace Sieve.Host.Onnx.Passes.Attention;

/// <summary>
/// The attributes of an <c>ai.sieve::Attention</c> node, as the rewriter writes them. Inputs: query, key, value and an
/// optional mask; one output in the query's layout. <see cref="CausalOffset"/> (attribute <c>causal_offset</c>, absent by
/// default) fixes where a causal mask starts: query i sees keys up to i + offset; absent, the queries are the last keys
/// (bottom-right, i + T − S).
/// </summary>
internal sealed record AttentionNodeAttributes(
    string Layout,
    bool KeyTransposed,
    int QueryHeads,
    int KeyValueHeads,
    int HeadSize,
    float Scale,
    bool Causal,
    int Layer)
{
    /// <summary>[batch, heads, sequence, headSize].</summary>
    public const string HeadsFirst = "bnsh";

    /// <summary>[batch, sequence, heads × headSize].</summary>
    public const string HeadsPacked = "bsh";

    public const string OpType = "Attention";

    /// <summary>
    /// When causal, the key position of query 0 for every call (0: top-left, as ONNX <c>Attention</c> without a cache);
    /// null: key length − query length, or what the mask says.
    /// </summary>
    public int? CausalOffset { get; init; }

    /// <summary>The offset of a causal call: the node's, intersected with a causal mask's (the smaller wins); the mask's
    /// alone when the node sets none; null for bottom-right.</summary>
    public int? CausalOffsetWith(KeyBounds bounds, int queryLength, int keyLength) =>
        !Causal || CausalOffset is not { } offset ? bounds.CausalOffset
            : bounds.Causal ? Math.Min(offset, bounds.CausalOffset ?? keyLength - queryLength)
            : offset;

    public static AttentionNodeAttributes Read(INodeAttributes info) => new(
        info.GetString("layout", HeadsFirst),
        info.GetInt("key_transposed", 0) != 0,
        (int)info.GetInt("num_heads", 0),
        (int)info.GetInt("kv_num_heads", 0),
        (int)info.GetInt("head_size", 0),
        info.GetFloat("scale", 0f),
        info.GetInt("causal", 0) != 0,
        (int)info.GetInt("layer", -1))
    {
        CausalOffset = info.GetInt("causal_offset", long.MinValue) is var offset && offset != long.MinValue ? (int)offset : null,
    };
}
