namespace Sieve.Kernels;

/// <summary>
/// Chooses the key ranges a block of queries attends to (all valid keys for dense attention, the selected blocks for
/// sparse attention). Called once per work item, possibly from several threads at once. The caller then clips the
/// ranges to the row's valid keys and, when causal, to the keys the block's last query may see.
/// </summary>
/// <param name="batch">Batch row.</param>
/// <param name="keyValueHead">Key/value head (the query heads of its group share the ranges).</param>
/// <param name="queryStart">First query of the block.</param>
/// <param name="queryEnd">One past the last query of the block.</param>
/// <param name="keyStart">First valid key of this batch row (keys before it are padding, e.g. a left-padded prompt).</param>
/// <param name="keyEnd">One past the last valid key of this batch row.</param>
/// <param name="ranges">Receives ascending, disjoint ranges within [keyStart, keyEnd); cleared by the caller.</param>
public delegate void KeyRangePlanner(int batch, int keyValueHead, int queryStart, int queryEnd, int keyStart, int keyEnd, List<KeyRange> ranges);
