namespace Sieve.Host.Onnx.Passes.Attention;

/// <summary>
/// What an attention node's mask says, in the form the kernels take: the valid keys [Starts[b], Ends[b]) of each batch
/// row, and whether query i of T may only see keys up to i + S − T (causal with a KV cache of S − T keys before it), or
/// up to i + <see cref="CausalOffset"/> when set (an in-place cache buffer longer than the keys filled so far).
/// </summary>
internal sealed record KeyBounds(int[] Starts, int[] Ends, bool Causal)
{
    /// <summary>Key position of query 0 when it is not S − T; null otherwise.</summary>
    public int? CausalOffset { get; init; }

    /// <summary>No row bounds and not causal (for the offset of a node whose mask says nothing per query).</summary>
    public static KeyBounds None { get; } = new([], [], false);

    /// <summary>Whether some row has padding before its first valid key (left padding).</summary>
    public bool HasStarts => Array.Exists(Starts, s => s != 0);
}
