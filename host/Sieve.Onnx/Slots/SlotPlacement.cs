namespace Sieve.Host.Slots;

/// <summary>Where a slot's implementation runs.</summary>
internal enum SlotPlacement
{
    /// <summary>Inside the model: a graph pass replaces nodes by custom operators that call the implementation.</summary>
    InGraph,

    /// <summary>Between model runs: a pipeline calls the implementation (KV cache, heads, indexes).</summary>
    AroundGraph,
}
