using System.Diagnostics.Metrics;

namespace Sieve.Plugins.Attention;

/// <summary>
/// What block-sparse attention measures about its own choices, published as <see cref="System.Diagnostics.Metrics"/>
/// counters on the meter <see cref="MeterName"/>, one addition per attention call, each tagged with the selection, the phase (<c>decode</c>: one query
/// per call; <c>prefill</c>: several) and the layer.
/// Nothing is computed unless a listener subscribes (the oracle comparison costs a dense pass when it does):
/// <list type="bullet">
/// <item><c>blocks.visible</c>, <c>blocks.chosen</c>: summed over every (query, key/value head) of the sparse path; their
/// ratio is the block density actually used, forced blocks counted.</item>
/// <item><c>selections</c>: (query, key/value head) pairs with more visible blocks than the budget (a real choice).</item>
/// <item><c>oracle.recall</c>, <c>oracle.recall.samples</c>: over those with at least one block picked by score, the
/// fraction of the oracle's score-picked blocks (the same budget and forced blocks, the rest by exact attention mass)
/// that this selection also kept, summed, and how many were summed.</item>
/// <item><c>oracle.mass.kept</c>, <c>oracle.mass.best</c>: summed over selections, the share of the exact attention mass
/// (summed over the group's heads) inside the blocks this selection kept, and inside the oracle's choice.</item>
/// <item><c>selection.seconds</c>: time spent choosing blocks (building and extending the key summaries, scoring,
/// budgeting), summed over the workers (CPU seconds, not wall time); a layer that reuses another's choice spends none.</item>
/// <item><c>reuse.fallbacks</c>: calls of an <c>attention/layer-reuse</c> layer that found no choice of its source
/// layer for the same step and chose itself.</item>
/// </list>
/// Thread-safe.
/// </summary>
public static class BlockSparseDiagnostics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Sieve.Plugins.Attention.BlockSparse";

    private static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> VisibleBlocks = Meter.CreateCounter<long>("blocks.visible");
    internal static readonly Counter<long> ChosenBlocks = Meter.CreateCounter<long>("blocks.chosen");
    internal static readonly Counter<long> Selections = Meter.CreateCounter<long>("selections");
    internal static readonly Counter<double> Recall = Meter.CreateCounter<double>("oracle.recall");
    internal static readonly Counter<long> RecallSamples = Meter.CreateCounter<long>("oracle.recall.samples");
    internal static readonly Counter<double> MassKept = Meter.CreateCounter<double>("oracle.mass.kept");
    internal static readonly Counter<double> MassBest = Meter.CreateCounter<double>("oracle.mass.best");
    internal static readonly Counter<double> SelectionSeconds = Meter.CreateCounter<double>("selection.seconds");
    internal static readonly Counter<long> ReuseFallbacks = Meter.CreateCounter<long>("reuse.fallbacks");

    /// <summary>Whether anyone listens to the density counters.</summary>
    internal static bool DensityEnabled => VisibleBlocks.Enabled || ChosenBlocks.Enabled || SelectionSeconds.Enabled;

    /// <summary>Whether anyone listens to the oracle comparison (which then runs).</summary>
    internal static bool OracleEnabled => Recall.Enabled || MassKept.Enabled || MassBest.Enabled;
}
