namespace Sieve.Plugins.Attention;

/// <summary>One worker's sums of <see cref="BlockSparseDiagnostics"/>' counters; merged under a lock, then published once per call.</summary>
internal sealed class SelectionTally
{
    private readonly Lock _lock = new();

    public long Visible;
    public long Chosen;
    public long Selections;
    public double Recall;
    public long RecallSamples;
    public double MassKept;
    public double MassBest;
    public long SelectionTicks;

    public void Add(SelectionTally other)
    {
        lock (_lock)
        {
            Visible += other.Visible;
            Chosen += other.Chosen;
            Selections += other.Selections;
            Recall += other.Recall;
            RecallSamples += other.RecallSamples;
            MassKept += other.MassKept;
            MassBest += other.MassBest;
            SelectionTicks += other.SelectionTicks;
        }
    }

    /// <param name="phase"><c>prefill</c> (several queries per call) or <c>decode</c> (one).</param>
    /// <param name="layer">The attention node's layer.</param>
    public void Publish(string selection, string phase, int layer)
    {
        var layerTag = new KeyValuePair<string, object?>("layer", layer);
        var tag = new KeyValuePair<string, object?>("selection", selection);
        var phaseTag = new KeyValuePair<string, object?>("phase", phase);
        BlockSparseDiagnostics.VisibleBlocks.Add(Visible, tag, phaseTag, layerTag);
        BlockSparseDiagnostics.ChosenBlocks.Add(Chosen, tag, phaseTag, layerTag);
        BlockSparseDiagnostics.Selections.Add(Selections, tag, phaseTag, layerTag);
        BlockSparseDiagnostics.Recall.Add(Recall, tag, phaseTag, layerTag);
        BlockSparseDiagnostics.RecallSamples.Add(RecallSamples, tag, phaseTag, layerTag);
        BlockSparseDiagnostics.MassKept.Add(MassKept, tag, phaseTag, layerTag);
        BlockSparseDiagnostics.MassBest.Add(MassBest, tag, phaseTag, layerTag);
        BlockSparseDiagnostics.SelectionSeconds.Add((double)SelectionTicks / System.Diagnostics.Stopwatch.Frequency, tag, phaseTag, layerTag);
    }
}
