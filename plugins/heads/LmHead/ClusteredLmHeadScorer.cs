using Sieve.Abstractions;

namespace Sieve.Plugins.Heads.LmHead;

/// <summary>
/// <c>lm-head/clustered</c> bound to one model. Per row: scores the K centroids against the hidden state (h · c, the
/// cluster's mean logit), keeps the <see cref="Probe"/> best clusters (ties: the lower cluster id), and computes the exact
/// logit h · W_t of their tokens only. W's rows are stored in cluster order, so a kept cluster's rows are contiguous.
/// Candidates come cluster by cluster in the clusters' rank, tokens ascending within a cluster. Not thread-safe.
/// </summary>
internal sealed class ClusteredLmHeadScorer : ILmHeadScorer
{
    /// <summary>Below this many multiply-adds a row's token logits stay on the calling thread.</summary>
    private const long ParallelWork = 1 << 20;

    private readonly HeadFile _head;
    private readonly float[] _rows;
    private readonly int _d;
    private float[] _hidden = [];
    private readonly float[] _row;
    private float[] _centroidScores = [];
    private readonly int[] _kept;
    private readonly int[] _keptStart;
    private readonly float[] _logits;

    /// <param name="head">The clusters (checked against <paramref name="weights"/> by the caller).</param>
    /// <param name="weights">W [V, d].</param>
    public ClusteredLmHeadScorer(HeadFile head, ReadOnlySpan<float> weights, int probe)
    {
        _head = head;
        _d = head.Dimension;
        Probe = probe;
        _rows = new float[(long)head.Vocabulary * _d];
        for (var i = 0; i < head.Tokens.Length; i++)
        {
            weights.Slice(head.Tokens[i] * _d, _d).CopyTo(_rows.AsSpan(i * _d, _d));
        }
        _row = new float[_d];
        _kept = new int[probe];
        _keptStart = new int[probe + 1];
        MaxCandidates = LargestClusters(head, probe);
        _logits = new float[MaxCandidates];
    }

    public int Probe { get; }

    public int InputWidth => _d;

    public int MaxCandidates { get; }

    public void Score(in LmHeadCall rows)
    {
        var (count, d, k) = (rows.Rows, _d, _head.Clusters);
        if (rows.Input.Length < count * d || rows.Tokens.Length < count * MaxCandidates || rows.Logits.Length < count * MaxCandidates || rows.Counts.Length < count)
        {
            throw new ArgumentException($"lm-head/clustered: {count} rows of {d} floats and {MaxCandidates} candidates do not fit the call's spans.", nameof(rows));
        }
        if (_hidden.Length < count * d)
        {
            _hidden = new float[count * d];
            _centroidScores = new float[count * k];
        }
        rows.Input[..(count * d)].CopyTo(_hidden);
        HeadDots.DenseLogits(_hidden, count, _head.Centroids, k, d, _centroidScores);
        var row = count == 1 ? _hidden : _row;
        for (var r = 0; r < count; r++)
        {
            if (count > 1)
            {
                Array.Copy(_hidden, r * d, row, 0, d);
            }
            TopClusters(_centroidScores.AsSpan(r * k, k));
            var candidates = ExactLogits(row);
            var tokens = rows.Tokens.Slice(r * MaxCandidates, candidates);
            for (var i = 0; i < Probe; i++)
            {
                var cluster = _kept[i];
                _head.Tokens.AsSpan(_head.Offsets[cluster], _head.Offsets[cluster + 1] - _head.Offsets[cluster]).CopyTo(tokens[_keptStart[i]..]);
            }
            _logits.AsSpan(0, candidates).CopyTo(rows.Logits.Slice(r * MaxCandidates, candidates));
            rows.Counts[r] = candidates;
        }
    }

    /// <summary>The <see cref="Probe"/> highest-scoring clusters into <see cref="_kept"/>, best first (ties: lower id).</summary>
    private void TopClusters(ReadOnlySpan<float> scores)
    {
        var kept = 0;
        Span<float> keptScores = Probe <= 256 ? stackalloc float[Probe] : new float[Probe];
        for (var c = 0; c < scores.Length; c++)
        {
            var score = scores[c];
            if (kept == Probe && !(score > keptScores[kept - 1]))
            {
                continue;
            }
            var at = kept < Probe ? kept++ : kept - 1;
            while (at > 0 && score > keptScores[at - 1])
            {
                keptScores[at] = keptScores[at - 1];
                _kept[at] = _kept[at - 1];
                at--;
            }
            keptScores[at] = score;
            _kept[at] = c;
        }
    }

    /// <summary>The exact logits of the kept clusters' tokens into <see cref="_logits"/>; returns how many.</summary>
    private int ExactLogits(float[] hidden)
    {
        for (var i = 0; i < Probe; i++)
        {
            _keptStart[i + 1] = _keptStart[i] + _head.Offsets[_kept[i] + 1] - _head.Offsets[_kept[i]];
        }
        var candidates = _keptStart[Probe];
        if ((long)candidates * _d < ParallelWork)
        {
            for (var i = 0; i < Probe; i++)
            {
                Cluster(hidden, i);
            }
        }
        else
        {
            Parallel.For(0, Probe, i => Cluster(hidden, i));
        }
        return candidates;
    }

    private void Cluster(float[] hidden, int rank)
    {
        var cluster = _kept[rank];
        var first = _head.Offsets[cluster];
        HeadDots.Compute(hidden, 1, _rows, first, _head.Offsets[cluster + 1] - first, _d, _logits, 0, _keptStart[rank]);
    }

    /// <summary>The most tokens <paramref name="probe"/> clusters can hold: the sum of the largest cluster sizes.</summary>
    private static int LargestClusters(HeadFile head, int probe)
    {
        var sizes = new int[head.Clusters];
        for (var c = 0; c < sizes.Length; c++)
        {
            sizes[c] = head.Offsets[c + 1] - head.Offsets[c];
        }
        Array.Sort(sizes);
        var sum = 0;
        for (var i = 0; i < probe; i++)
        {
            sum += sizes[^(i + 1)];
        }
        return sum;
    }

    public void Dispose()
    {
    }
}
