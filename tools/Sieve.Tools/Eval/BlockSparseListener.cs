using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Sieve.Tools.Eval;

/// <summary>
/// Listens to <c>attention/block-sparse</c>'s (and <c>attention/layer-reuse</c>'s) diagnostic counters (meter <see cref="MeterName"/>, documented in
/// docs/block-sparse-attention.md; the tools never reference the plugin, so the names are its published contract).
/// While this listens the plugin also runs the dense oracle beside its selection to measure recall. Thread-safe.
/// </summary>
internal sealed class BlockSparseListener : IDisposable
{
    public const string MeterName = "Sieve.Plugins.Attention.BlockSparse";

    private readonly ConcurrentDictionary<string, double> _sums = new(StringComparer.Ordinal);
    private readonly MeterListener _listener = new();

    public BlockSparseListener()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument.Name, Phase(tags), Layer(tags), value));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument.Name, Phase(tags), Layer(tags), value));
        _listener.Start();
    }

    private static string Phase(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "phase" && tag.Value is string phase)
            {
                return phase;
            }
        }
        return "";
    }

    private static int Layer(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "layer" && tag.Value is int layer)
            {
                return layer;
            }
        }
        return -1;
    }

    private void Add(string name, string phase, int layer, double value)
    {
        _sums.AddOrUpdate(name, value, (_, sum) => sum + value);
        _sums.AddOrUpdate($"{phase}:{name}", value, (_, sum) => sum + value);
        _sums.AddOrUpdate($"{phase}@{layer}:{name}", value, (_, sum) => sum + value);
        _layers.TryAdd(layer, 0);
    }

    private readonly ConcurrentDictionary<int, byte> _layers = new();

    /// <summary>
    /// The sums since the last <see cref="Take"/> (all calls, and those of one phase: <c>prefill</c> or <c>decode</c>),
    /// which starts them again from zero.
    /// </summary>
    /// <returns>Also the decode figures of each layer (by the attention node's layer index).</returns>
    public (SelectionFigures All, SelectionFigures Prefill, SelectionFigures Decode, IReadOnlyDictionary<int, SelectionFigures> DecodeByLayer) Take()
    {
        var byLayer = _layers.Keys.Order().ToDictionary(layer => layer, layer => Figures($"decode@{layer}:"));
        var figures = (Figures(""), Figures("prefill:"), Figures("decode:"), (IReadOnlyDictionary<int, SelectionFigures>)byLayer);
        _sums.Clear();
        _layers.Clear();
        return figures;
    }

    private SelectionFigures Figures(string prefix)
    {
        double Get(string name) => _sums.TryGetValue(prefix + name, out var value) ? value : 0;
        return new SelectionFigures((long)Get("blocks.visible"), (long)Get("blocks.chosen"), (long)Get("selections"), Get("oracle.recall"),
            (long)Get("oracle.recall.samples"), Get("oracle.mass.kept"), Get("oracle.mass.best"), Get("selection.seconds"));
    }

    public void Dispose() => _listener.Dispose();
}
