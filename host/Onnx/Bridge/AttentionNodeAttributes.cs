namespace Sieve.Host.Onnx.Bridge;

/// <summary>
/// The attributes of an <c>ai.sieve::Attention</c> node, as the rewriter writes them. Inputs: query, key, value and an
/// optional mask; one output in the query's layout.
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

    public static AttentionNodeAttributes Read(OrtKernelInfo info) => new(
        info.GetString("layout", HeadsFirst),
        info.GetInt("key_transposed", 0) != 0,
        (int)info.GetInt("num_heads", 0),
        (int)info.GetInt("kv_num_heads", 0),
        (int)info.GetInt("head_size", 0),
        info.GetFloat("scale", 0f),
        info.GetInt("causal", 0) != 0,
        (int)info.GetInt("layer", -1));
}
