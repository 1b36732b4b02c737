namespace Sieve.Plugins.Attention.Tests;

/// <summary>
/// The three per-query selections and the attention over the chosen blocks written the plain way, in double precision,
/// from their definitions (InfLLM-V2's stage 1, Quest's bound, the exact attention mass): the oracle the plugin's code
/// is checked against. Layouts: query [B, H, Q, D], key and value [B, Hkv, K, D].
/// </summary>
internal sealed class NaiveBlockSelection(float[] query, float[] key, float[] value, int heads, int kvHeads, int queries, int keys,
    int headSize, int[] starts, int[] ends, bool causal, int? queryPosition, BlockSparseAttentionOptions options)
{
    private readonly double _scale = 1 / Math.Sqrt(headSize);

    public int Group => heads / kvHeads;

    public float Scale => (float)_scale;

    private double Q(int b, int h, int i, int x) => query[((b * heads + h) * queries + i) * headSize + x];

    /// <summary>Key t of the row, counted from the row's first valid key.</summary>
    private double K(int b, int g, int t, int x) => key[((b * kvHeads + g) * keys + starts[b] + t) * headSize + x];

    private double V(int b, int g, int t, int x) => value[((b * kvHeads + g) * keys + starts[b] + t) * headSize + x];

    /// <summary>Keys query i sees, from the row's first valid key (0 or less: none).</summary>
    public int VisibleKeys(int b, int i) => causal ? Math.Min(ends[b] - starts[b], i + (queryPosition ?? keys - queries) - starts[b] + 1) : ends[b] - starts[b];

    private int Position(int b, int i) => i + (queryPosition ?? keys - queries) - starts[b];

    /// <summary>Block scores of query i for key/value head g.</summary>
    public double[] Scores(int b, int g, int i)
    {
        var n = VisibleKeys(b, i);
        var blocks = (n + options.BlockSize - 1) / options.BlockSize;
        return options.Selection switch
        {
            BlockSelection.Compressed => Compressed(b, g, i, n, blocks),
            BlockSelection.KeyBounds => KeyBounds(b, g, i, blocks),
            BlockSelection.Oracle => Oracle(b, g, i, n, blocks),
            _ => throw new ArgumentException(options.Selection),
        };
    }

    private double[] Mean(int b, int g, int from, int to)
    {
        var mean = new double[headSize];
        for (var t = from; t < to; t++)
        {
            for (var x = 0; x < headSize; x++)
            {
                mean[x] += K(b, g, t, x) / (to - from);
            }
        }
        return mean;
    }

    private double Dot(int b, int h, int i, double[] k) => Enumerable.Range(0, headSize).Sum(x => Q(b, h, i, x) * k[x]) * _scale;

    private double[] Compressed(int b, int g, int i, int n, int blocks)
    {
        // Whole windows only; a query sees a window when the window ends at or before it.
        var fine = new List<(int Start, double[] Key)>();
        for (var c = 0; c * options.CompressionStride + options.CompressionKernel <= n; c++)
        {
            var start = c * options.CompressionStride;
            fine.Add((start, Mean(b, g, start, start + options.CompressionKernel)));
        }
        var coarse = new List<double[]>();
        for (var c = 0; c * options.NormalizerStride + options.NormalizerKernel <= n; c++)
        {
            coarse.Add(Mean(b, g, c * options.NormalizerStride, c * options.NormalizerStride + options.NormalizerKernel));
        }
        var importance = new double[fine.Count];
        for (var h = g * Group; h < (g + 1) * Group && fine.Count > 0; h++)
        {
            var s = fine.Select(f => Dot(b, h, i, f.Key)).ToArray();
            var normaliser = coarse.Count > 0 ? LogSumExp(coarse.Select(k => Dot(b, h, i, k))) : LogSumExp(s);
            for (var c = 0; c < s.Length; c++)
            {
                importance[c] += Math.Exp(s[c] - normaliser);
            }
        }
        var scores = new double[blocks];
        for (var block = 0; block < blocks; block++)
        {
            for (var c = 0; c < fine.Count; c++)
            {
                var overlaps = fine[c].Start < (block + 1) * options.BlockSize && fine[c].Start + options.CompressionKernel > block * options.BlockSize;
                if (overlaps)
                {
                    scores[block] = Math.Max(scores[block], importance[c]);
                }
            }
        }
        return scores;
    }

    private double[] KeyBounds(int b, int g, int i, int blocks)
    {
        var length = ends[b] - starts[b];
        var scores = new double[blocks];
        for (var block = 0; block < blocks; block++)
        {
            var keysOfBlock = Enumerable.Range(block * options.BlockSize, Math.Min(length, (block + 1) * options.BlockSize) - block * options.BlockSize).ToList();
            for (var h = g * Group; h < (g + 1) * Group; h++)
            {
                for (var x = 0; x < headSize; x++)
                {
                    var low = keysOfBlock.Min(t => K(b, g, t, x));
                    var high = keysOfBlock.Max(t => K(b, g, t, x));
                    scores[block] += Math.Max(Q(b, h, i, x) * low, Q(b, h, i, x) * high) * _scale;
                }
            }
        }
        return scores;
    }

    private double[] Oracle(int b, int g, int i, int n, int blocks)
    {
        var scores = new double[blocks];
        for (var h = g * Group; h < (g + 1) * Group; h++)
        {
            var s = Enumerable.Range(0, n).Select(t => Dot(b, h, i, Enumerable.Range(0, headSize).Select(x => K(b, g, t, x)).ToArray())).ToArray();
            var normaliser = LogSumExp(s);
            for (var t = 0; t < n; t++)
            {
                scores[t / options.BlockSize] += Math.Exp(s[t] - normaliser);
            }
        }
        return scores;
    }

    private static double LogSumExp(IEnumerable<double> values)
    {
        var list = values.ToList();
        var max = list.Max();
        return max + Math.Log(list.Sum(v => Math.Exp(v - max)));
    }

    /// <summary>The blocks query i of key/value head g attends to, ascending, with those picked by score.</summary>
    public (int[] Blocks, int[] Picked) Choose(int b, int i, double[] scores)
    {
        var visible = scores.Length;
        var budget = options.Density > 0 ? (int)Math.Ceiling(options.Density * visible) : options.TopKBlocks;
        if (visible <= budget)
        {
            return (Enumerable.Range(0, visible).ToArray(), []);
        }
        var diagonal = Math.Clamp(Position(b, i) / options.BlockSize, 0, visible - 1);
        var forced = new SortedSet<int>();
        if (options.KeepFirstBlock)
        {
            forced.Add(0);
        }
        for (var block = Math.Max(0, diagonal - options.WindowBlocks); block <= Math.Min(visible - 1, diagonal + (causal ? 0 : options.WindowBlocks)); block++)
        {
            forced.Add(block);
        }
        var picked = Enumerable.Range(0, visible).Where(x => !forced.Contains(x)).OrderByDescending(x => scores[x]).ThenBy(x => x)
            .Take(Math.Max(0, budget - forced.Count)).ToArray();
        return ([.. forced.Union(picked).Order()], picked);
    }

    /// <summary>Attention of query i, head h, over the chosen blocks (cut at the keys the query sees).</summary>
    public double[] Attend(int b, int h, int i, int[] blocks)
    {
        var g = h / Group;
        var n = VisibleKeys(b, i);
        var output = new double[headSize];
        if (n <= 0)
        {
            return output;
        }
        var seen = blocks.SelectMany(block => Enumerable.Range(block * options.BlockSize, options.BlockSize)).Where(t => t < n).ToList();
        var s = seen.Select(t => Dot(b, h, i, Enumerable.Range(0, headSize).Select(x => K(b, g, t, x)).ToArray())).ToList();
        var normaliser = LogSumExp(s);
        for (var j = 0; j < seen.Count; j++)
        {
            var weight = Math.Exp(s[j] - normaliser);
            for (var x = 0; x < headSize; x++)
            {
                output[x] += weight * V(b, g, seen[j], x);
            }
        }
        return output;
    }
}
