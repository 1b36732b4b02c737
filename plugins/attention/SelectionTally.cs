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
        }
    }

    public void Publish(string selection)
    {
        var tag = new KeyValuePair<string, object?>("selection", selection);
        BlockSparseDiagnostics.VisibleBlocks.Add(Visible, tag);
        BlockSparseDiagnostics.ChosenBlocks.Add(Chosen, tag);
        BlockSparseDiagnostics.Selections.Add(Selections, tag);
        BlockSparseDiagnostics.Recall.Add(Recall, tag);
        BlockSparseDiagnostics.RecallSamples.Add(RecallSamples, tag);
        BlockSparseDiagnostics.MassKept.Add(MassKept, tag);
        BlockSparseDiagnostics.MassBest.Add(MassBest, tag);
    }
}
