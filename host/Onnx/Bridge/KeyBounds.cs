namespace Sieve.Host.Onnx.Bridge;

/// <summary>
/// What an attention node's mask says, in the form the kernels take: the valid keys [Starts[b], Ends[b]) of each batch
/// row, and whether query i of T may only see keys up to i + S − T (causal with a KV cache of S − T keys before it).
/// </summary>
internal sealed record KeyBounds(int[] Starts, int[] Ends, bool Causal)
{
    /// <summary>Whether some row has padding before its first valid key (left padding).</summary>
    public bool HasStarts => Array.Exists(Starts, s => s != 0);
}
