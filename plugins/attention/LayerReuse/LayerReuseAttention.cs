using Sieve.Abstractions;
using Sieve.Kernels;

namespace Sieve.Plugins.Attention;

/// <summary>
/// <c>attention/layer-reuse</c>, after HyLRA: each layer does what the profiled policy says: full attention (the
/// sensitive layers), its own block-sparse selection (<c>compute</c>, recorded in the run's context), or attention over
/// its own keys and values on the blocks the most recent computing layer chose for the same queries (<c>reuse</c>: no
/// scoring at all). The choice passes between layers through <see cref="OperatorRunContext"/>: ORT runs a decoder's
/// attention nodes in layer order (layer L + 1 reads layer L's output), so within one step the computing layer has
/// always run; a reusing layer takes the choice only when it was made for the same step (same query count, positions and
/// valid keys per row), else it chooses itself (counted as <c>reuse.fallbacks</c>). Rows of a batch and key/value
/// heads keep their own choices (head h reuses head h's). CPU only so far: the GPU kernels choose per tile of queries.
/// Thread-safe (state lives in the run's context).
/// </summary>
public sealed class LayerReuseAttention : IAttention, IDescribesAttentionNodes
{
    public const string Name = "layer-reuse";

    private readonly LayerReuseAttentionOptions _options;
    private readonly PerQueryBlockSparseAttention _perQuery;

    public LayerReuseAttention(LayerReuseAttentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        Policy = LayerReusePolicy.Read(options.Policy);
        _perQuery = new PerQueryBlockSparseAttention(options);
    }

    /// <summary>The plan being run.</summary>
    public LayerReusePolicy Policy { get; }

    public string? CheckSupport(AttentionShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Device != DeviceKind.Cpu)
        {
            return "attention/layer-reuse runs on the CPU only (the GPU kernels choose blocks per tile of queries, not per query)";
        }
        var mismatch = Policy.Mismatch(shape.Layer, shape.Layers, shape.QueryHeads, shape.KeyValueHeads, shape.HeadSize);
        return mismatch is null ? null : $"{mismatch} (policy {_options.Policy}, made for {Policy.Model.Name})";
    }

    public string? Describe(AttentionShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Layer >= Policy.Layers.Count)
        {
            return null;
        }
        var plan = Policy.Layers[shape.Layer];
        var what = plan.Mode switch
        {
            LayerMode.Dense => "dense",
            LayerMode.Compute => $"chooses its own blocks ({_options.Selection})",
            _ => $"reuses layer {plan.Source}'s blocks",
        };
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{what}; sensitivity {plan.Sensitivity:F3} (policy {Path.GetFileName(_options.Policy)})");
    }

    public void Compute(in AttentionCall attention)
    {
        if (attention.Device != DeviceKind.Cpu)
        {
            throw new NotSupportedException("attention/layer-reuse runs on the CPU only.");
        }
        var shape = attention.Shape;
        var dims = AttentionDims.Of(attention.Query, attention.Key, shape);
        var starts = attention.KeyStarts.Span.ToArray();
        var ends = attention.KeyEnds.Span.ToArray();
        var (query, key, value, output) = (attention.Query.Memory, attention.Key.Memory, attention.Value.Memory, attention.Output.Memory);
        // Heads and head size are often known only now (a graph that reshapes at run time).
        if (Policy.Mismatch(shape.Layer, 0, dims.QueryHeads, dims.KeyValueHeads, dims.HeadSize) is { } mismatch)
        {
            throw new NotSupportedException($"attention/layer-reuse: {mismatch} (policy {_options.Policy}, made for {Policy.Model.Name}).");
        }
        var plan = Policy.Layers[shape.Layer];
        if (dims.KeyLength < _options.DenseBelow || plan.Mode == LayerMode.Dense)
        {
            MultiHeadAttention.Compute(query, key, value, output, dims, starts, ends, shape.Scale, shape.Causal, _options.BlockSize, MultiHeadAttention.AllKeys);
            if (plan.Mode == LayerMode.Dense && dims.KeyLength >= _options.DenseBelow && BlockSparseDiagnostics.DensityEnabled)
            {
                DenseTally(dims, starts, ends, shape.Causal).Publish(LayerMode.Dense, dims.QueryLength == 1 ? "decode" : "prefill", shape.Layer);
            }
            return;
        }
        var run = attention.Context;
        if (plan.Mode == LayerMode.Reuse)
        {
            var chosen = run.TryGet<LatestChoices>(ChoicesKey(plan.Source!.Value), out var latest) ? latest!.Choices : null;
            if (chosen is not null && chosen.Fits(dims, starts, ends))
            {
                _perQuery.Compute(query, key, value, output, dims, starts, ends, shape.Scale, shape.Causal, shape.Layer, run, reuse: chosen);
                return;
            }
            BlockSparseDiagnostics.ReuseFallbacks.Add(1, new KeyValuePair<string, object?>("layer", shape.Layer));
        }
        // A reusing layer that fell back chooses for itself only: nobody reads its choice.
        var record = plan.Mode == LayerMode.Compute ? new BlockChoices(dims, starts, ends) : null;
        _perQuery.Compute(query, key, value, output, dims, starts, ends, shape.Scale, shape.Causal, shape.Layer, run, record: record);
        if (record is not null)
        {
            run.GetOrAdd(ChoicesKey(shape.Layer), () => new LatestChoices()).Choices = record;
        }
    }

    private static string ChoicesKey(int layer) => $"attention/layer-reuse/choices/layer{layer}";

    /// <summary>A dense layer's blocks, counted as all chosen, so that density compares with block-sparse at equal footing.</summary>
    private SelectionTally DenseTally(AttentionDims dims, int[] starts, int[] ends, bool causal)
    {
        var tally = new SelectionTally();
        for (var batch = 0; batch < dims.Batch; batch++)
        {
            var (start, end) = (Math.Clamp(starts.Length == 0 ? 0 : starts[batch], 0, dims.KeyLength), Math.Clamp(ends[batch], 0, dims.KeyLength));
            for (var q = 0; q < dims.QueryLength; q++)
            {
                var visibleKeys = causal ? Math.Min(end - start, q + dims.CausalOffset - start + 1) : end - start;
                var blocks = visibleKeys <= 0 ? 0 : (visibleKeys + _options.BlockSize - 1) / _options.BlockSize;
                tally.Visible += (long)blocks * dims.KeyValueHeads;
                tally.Chosen += (long)blocks * dims.KeyValueHeads;
            }
        }
        return tally;
    }

    /// <summary>The most recent choice of one computing layer in a run (replaced every step).</summary>
    private sealed class LatestChoices
    {
        public BlockChoices? Choices { get; set; }
    }
}
