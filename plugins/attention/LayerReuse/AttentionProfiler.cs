using System.Collections.Concurrent;
using Sieve.Abstractions;
using Sieve.Kernels;

namespace Sieve.Plugins.Attention;

/// <summary>
/// Dense attention that also measures what <c>sieve profile</c> plans layer reuse from. For every
/// <see cref="SampleEvery"/>-th query with more visible blocks than the budget, per key/value head, from the exact
/// attention mass of each block (summed over the group's heads, as the oracle selection does): the fraction of the
/// visible blocks that holds <see cref="Coverage"/> of the mass (the layer's sensitivity), and the block set the budget
/// keeps, the first and local blocks forced as at run time (for the overlap between layers). Samples are kept in call
/// order, so sample n of every layer is the same (window, row, head, query). CPU only. Thread-safe across layers; calls
/// of one layer must come in order (one run at a time).
/// </summary>
public sealed class AttentionProfiler(BlockSparseAttentionOptions options, int sampleEvery, double coverage) : IAttention
{
    private readonly ConcurrentDictionary<int, LayerProfile> _layers = new();
    private readonly ConcurrentDictionary<int, AttentionShape> _shapes = new();

    public int SampleEvery => sampleEvery;

    public double Coverage => coverage;

    /// <summary>What each layer measured so far, by layer index.</summary>
    public IReadOnlyDictionary<int, LayerProfile> Layers => _layers;

    /// <summary>The shape of each attention node, as checked at load.</summary>
    public IReadOnlyDictionary<int, AttentionShape> Shapes => _shapes;

    /// <summary>The sizes of the last call (heads and head size, which a graph may fix only at run time).</summary>
    public AttentionDims? LastCall { get; private set; }

    public string? CheckSupport(AttentionShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        _shapes[shape.Layer] = shape;
        return shape.Device == DeviceKind.Cpu ? null : "the profiler runs on the CPU";
    }

    public void Compute(in AttentionCall attention)
    {
        var shape = attention.Shape;
        var dims = AttentionDims.Of(attention.Query, attention.Key, shape);
        LastCall = dims;
        var starts = attention.KeyStarts.Span.ToArray();
        var ends = attention.KeyEnds.Span.ToArray();
        MultiHeadAttention.Compute(attention.Query.Memory, attention.Key.Memory, attention.Value.Memory, attention.Output.Memory, dims, starts, ends,
            shape.Scale, shape.Causal, options.BlockSize, MultiHeadAttention.AllKeys);
        var samples = Sample(attention.Query.Memory, attention.Key.Memory, dims, starts, ends, shape.Scale, shape.Causal);
        _layers.GetOrAdd(shape.Layer, _ => new LayerProfile()).Add(samples);
    }

    /// <summary>The samples of one call, in (row, query) order.</summary>
    private List<ProfileSample> Sample(ReadOnlyMemory<float> query, ReadOnlyMemory<float> key, AttentionDims dims, int[] starts, int[] ends, float scale, bool causal)
    {
        var rows = dims.Batch * dims.KeyValueHeads;
        var perRow = new List<ProfileSample>[rows];
        var d = dims.HeadSize;
        ParallelWork.For(rows, row =>
        {
            var list = perRow[row] = [];
            var batch = row / dims.KeyValueHeads;
            var kvHead = row % dims.KeyValueHeads;
            var end = Math.Clamp(ends[batch], 0, dims.KeyLength);
            var start = Math.Clamp(starts.Length == 0 ? 0 : starts[batch], 0, end);
            using var panel = new HeadPanel(key.Span.Slice(row * dims.KeyLength * d, end * d), end, d);
            var oracle = new OracleBlockScorer(panel, start, dims.Group, scale, options.BlockSize);
            var queries = new float[dims.Group * d];
            var maxBlocks = (end - start + options.BlockSize - 1) / options.BlockSize + 1;
            var masses = new float[maxBlocks];
            var choice = new byte[maxBlocks];
            for (var q = sampleEvery - 1; q < dims.QueryLength; q += sampleEvery)
            {
                var position = q + dims.CausalOffset - start;
                var visibleKeys = causal ? Math.Min(end - start, position + 1) : end - start;
                var visible = visibleKeys <= 0 ? 0 : (visibleKeys + options.BlockSize - 1) / options.BlockSize;
                if (visible <= BlockBudget.Budget(options, visible))
                {
                    continue;
                }
                for (var h = 0; h < dims.Group; h++)
                {
                    query.Span.Slice(((batch * dims.QueryHeads + kvHead * dims.Group + h) * dims.QueryLength + q) * d, d).CopyTo(queries.AsSpan(h * d, d));
                }
                oracle.Score(queries, visibleKeys, masses.AsSpan(0, visible));
                var diagonal = Math.Clamp(position / options.BlockSize, 0, visible - 1);
                BlockBudget.Choose(masses, visible, diagonal, causal, options, choice);
                var kept = new List<int>();
                for (var block = 0; block < visible; block++)
                {
                    if (choice[block] != BlockBudget.Dropped)
                    {
                        kept.Add(block);
                    }
                }
                list.Add(new ProfileSample([.. kept], BlocksCovering(masses.AsSpan(0, visible), coverage) / (double)visible));
            }
        });
        return [.. perRow.SelectMany(r => r)];
    }

    /// <summary>The fewest blocks whose masses reach <paramref name="share"/> of the total.</summary>
    internal static int BlocksCovering(ReadOnlySpan<float> masses, double share)
    {
        var sorted = masses.ToArray();
        Array.Sort(sorted, (a, b) => b.CompareTo(a));
        double total = 0;
        foreach (var mass in sorted)
        {
            total += mass;
        }
        double sum = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            sum += sorted[i];
            if (sum >= share * total)
            {
                return i + 1;
            }
        }
        return sorted.Length;
    }
}
