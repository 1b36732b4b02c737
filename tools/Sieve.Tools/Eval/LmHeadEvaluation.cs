using System.Diagnostics;
using Sieve.Abstractions;
using Sieve.Host.Generation;
using Sieve.Plugins.Heads.LmHead;
using Sieve.Kernels;

namespace Sieve.Tools.Eval;

/// <summary>
/// <c>sieve eval lm-head</c>: the clustered head against the dense one on a causal LM loaded without its output
/// projection. Per held-out window: the dense logits h · Wᵀ of every position (computed here from the same hidden states),
/// then, for each Probe, the clustered head's candidates: top-1 agreement, coverage of the true next token and
/// perplexity. The clustered head's distribution gives the candidates their exact logit and every other token its
/// cluster's centroid score h · c (so it covers the whole vocabulary at the cost the head already paid). Then greedy
/// continuations of held-out prompts, the uncut model (lm-head/dense) against the cut one with the clustered head,
/// token by token.
/// </summary>
internal sealed class LmHeadEvaluation(CausalLm dense, CausalLm cut, LmTokenizer tokenizer, IKvCache cache, HeadFile head, string headPath)
{
    public IReadOnlyList<LmHeadProbeResult> Run(ushort[] tokens, int context, int windows, IReadOnlyList<int> probes, int prompts, int promptLength, int newTokens,
        TextWriter log)
    {
        var embedding = cut.Embedding;
        var weights = embedding.Weights.ToArray();
        var (v, d, k) = (embedding.VocabularySize, embedding.HiddenSize, head.Clusters);
        var clusterOf = new int[v];
        for (var c = 0; c < k; c++)
        {
            for (var i = head.Offsets[c]; i < head.Offsets[c + 1]; i++)
            {
                clusterOf[head.Tokens[i]] = c;
            }
        }
        var tallies = probes.Select(p => new ProbeTally(p)).ToList();
        var scorers = probes.Select(p => new ClusteredLmHead(new ClusteredLmHeadOptions { Probe = p, HeadFile = headPath }).Bind(embedding)).ToList();
        try
        {
            var hidden = new float[context * d];
            var logits = new float[(long)context * v > int.MaxValue ? throw new SieveException("--context too long for one window") : context * v];
            var centroidScores = new float[context * k];
            var (ids, positions, mask) = (new long[context], new long[context], new long[context]);
            for (var t = 0; t < context; t++)
            {
                positions[t] = t;
                mask[t] = 1;
            }
            double denseLoss = 0;
            var clock = Stopwatch.StartNew();
            for (var w = 0; w < windows; w++)
            {
                for (var t = 0; t < context; t++)
                {
                    ids[t] = tokens[w * context + t];
                }
                using (var buffer = cache.Allocate(new KvCacheShape(cut.Layers, 1, cut.KeyValueHeads, context, cut.HeadSize, cut.Device)))
                {
                    cut.Run(ids, positions, mask, 1, context, buffer, hidden);
                }
                HeadDots.DenseLogits(hidden, context, weights, v, d, logits);
                HeadDots.DenseLogits(hidden, context, head.Centroids, k, d, centroidScores);
                var denseNll = new double[context];
                for (var t = 0; t < context; t++)
                {
                    denseNll[t] = LogSumExp.Of(logits.AsSpan(t * v, v)) - logits[t * v + tokens[w * context + t + 1]];
                    denseLoss += denseNll[t];
                }
                for (var p = 0; p < probes.Count; p++)
                {
                    tallies[p].Add(scorers[p], hidden, context, logits, v, centroidScores, k, head, clusterOf, denseNll, tokens.AsSpan(w * context + 1, context));
                }
            }
            DensePerplexity = Math.Exp(denseLoss / ((long)windows * context));
            Positions = (long)windows * context;
            log.WriteLine($"held-out: {Positions:N0} positions, dense perplexity {DensePerplexity:F2} ({clock.Elapsed.TotalSeconds:F0} s)");
            var requests = Prompts(tokens, windows * context + 1, prompts, promptLength, newTokens);
            var reference = new BatchGenerator(dense, tokenizer, cache).Generate(requests);
            for (var p = 0; p < probes.Count; p++)
            {
                var clustered = new BatchGenerator(cut, tokenizer, cache, head: scorers[p]).Generate(requests);
                tallies[p].AddGreedy(reference, clustered);
                log.WriteLine($"probe {probes[p]}: done");
            }
            return [.. tallies.Select(t => t.Result())];
        }
        finally
        {
            foreach (var scorer in scorers)
            {
                scorer.Dispose();
            }
        }
    }

    public double DensePerplexity { get; private set; }

    public long Positions { get; private set; }

    /// <summary>Greedy requests from held-out text after the windows: <paramref name="count"/> prompts of <paramref name="length"/> tokens.</summary>
    private static List<GenerationRequest> Prompts(ushort[] tokens, int start, int count, int length, int newTokens)
    {
        var requests = new List<GenerationRequest>();
        for (var i = 0; i < count && start + (i + 1) * length <= tokens.Length; i++)
        {
            var prompt = tokens.AsSpan(start + i * length, length).ToArray().Select(t => (int)t).ToArray();
            requests.Add(new GenerationRequest(prompt, newTokens, 0, 1, 0, [], []) { StopAtEndOfText = false });
        }
        return requests;
    }

    /// <summary>Sums for one Probe.</summary>
    private sealed class ProbeTally(int probe)
    {
        private long _positions, _agree, _covered, _candidates, _greedyTokens, _greedyAgree, _greedyPrefix;
        private double _loss, _coveredLoss, _denseCoveredLoss;
        private int _identical, _prompts;

        public void Add(ILmHeadScorer scorer, float[] hidden, int rows, float[] logits, int v, float[] centroidScores, int k, HeadFile head, int[] clusterOf,
            double[] denseNll, ReadOnlySpan<ushort> targets)
        {
            var max = scorer.MaxCandidates;
            var (tokens, candidateLogits, counts) = (new int[rows * max], new float[rows * max], new int[rows]);
            scorer.Score(new LmHeadCall { Input = hidden, Rows = rows, Tokens = tokens, Logits = candidateLogits, Counts = counts });
            var kept = new bool[k];
            for (var r = 0; r < rows; r++)
            {
                var (count, target) = (counts[r], (int)targets[r]);
                var row = candidateLogits.AsSpan(r * max, count);
                var ids = tokens.AsSpan(r * max, count);
                _positions++;
                _candidates += count;
                var best = 0;
                for (var i = 1; i < count; i++)
                {
                    if (row[i] > row[best] || (row[i] == row[best] && ids[i] < ids[best]))
                    {
                        best = i;
                    }
                }
                _agree += ids[best] == TokenSampler.ArgMax(logits.AsSpan(r * v, v)) ? 1 : 0;
                // The full distribution: candidates exact, every other token its cluster's centroid score.
                Array.Clear(kept);
                var targetLogit = double.NaN;
                for (var i = 0; i < count; i++)
                {
                    kept[clusterOf[ids[i]]] = true;
                    if (ids[i] == target)
                    {
                        targetLogit = row[i];
                    }
                }
                var candidatesLse = LogSumExp.Of(row);
                var terms = new List<double> { candidatesLse };
                for (var c = 0; c < k; c++)
                {
                    if (!kept[c])
                    {
                        terms.Add(centroidScores[r * k + c] + Math.Log(head.Offsets[c + 1] - head.Offsets[c]));
                    }
                }
                var maxTerm = terms.Max();
                var logZ = maxTerm + Math.Log(terms.Sum(t => Math.Exp(t - maxTerm)));
                if (double.IsNaN(targetLogit))
                {
                    _loss += logZ - centroidScores[r * k + clusterOf[target]];
                }
                else
                {
                    _loss += logZ - targetLogit;
                    _covered++;
                    _coveredLoss += candidatesLse - targetLogit;
                    _denseCoveredLoss += denseNll[r];
                }
            }
        }

        public void AddGreedy(GenerationResult[] dense, GenerationResult[] clustered)
        {
            for (var i = 0; i < dense.Length; i++)
            {
                var (a, b) = (dense[i].Tokens, clustered[i].Tokens);
                var length = Math.Min(a.Count, b.Count);
                var prefix = 0;
                while (prefix < length && a[prefix] == b[prefix])
                {
                    prefix++;
                }
                for (var t = 0; t < length; t++)
                {
                    _greedyAgree += a[t] == b[t] ? 1 : 0;
                }
                _greedyTokens += Math.Max(a.Count, b.Count);
                _greedyPrefix += prefix;
                _identical += a.SequenceEqual(b) ? 1 : 0;
                _prompts++;
            }
        }

        public LmHeadProbeResult Result() => new(probe, (double)_candidates / _positions, (double)_agree / _positions, (double)_covered / _positions,
            Math.Exp(_loss / _positions), Math.Exp(_coveredLoss / Math.Max(1, _covered)), Math.Exp(_denseCoveredLoss / Math.Max(1, _covered)),
            _greedyTokens == 0 ? 0 : (double)_greedyAgree / _greedyTokens, _identical, _prompts == 0 ? 0 : (double)_greedyPrefix / _prompts);
    }
}
