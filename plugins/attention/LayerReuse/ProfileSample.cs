namespace Sieve.Plugins.Attention;

/// <summary>One sampled (query, key/value head) of <see cref="AttentionProfiler"/>.</summary>
/// <param name="Blocks">The blocks the budget keeps by exact attention mass, forced ones included, ascending.</param>
/// <param name="CoverageFraction">The fraction of the visible blocks needed for the profiler's share of the mass.</param>
public sealed record ProfileSample(int[] Blocks, double CoverageFraction);
