namespace Sieve.Kernels;

/// <summary>
/// Chooses the key ranges a block of queries attends to (all valid keys for dense attention, the selected blocks for
/// sparse attention). Called once per work item, possibly from several threads at once.
/// </summary>
/// <param name="batch">Batch row.</param>
/// <param name="keyValueHead">Key/value head (the query heads of its group share the ranges).</param>
/// <param name="queryStart">First query of the block.</param>
/// <param name="queryEnd">One past the last query of the block.</param>
/// <param name="keyLength">Valid keys of this batch row.</param>
/// <param name="ranges">Receives ascending, disjoint ranges within [0, keyLength); cleared by the caller.</param>
public delegate void KeyRangePlanner(int batch, int keyValueHead, int queryStart, int queryEnd, int keyLength, List<KeyRange> ranges);
