using Sieve.Abstractions;

namespace Sieve.Plugins.Retrieval.Tests;

/// <summary>Random sparse documents and queries with skewed term frequencies, and a brute-force oracle.</summary>
internal sealed class RandomCorpus
{
    private readonly Dictionary<int, float> _maxWeight = [];

    private RandomCorpus(int vocabulary, List<(string Id, SparseVector Vector)> documents)
    {
        Vocabulary = vocabulary;
        Documents = documents;
        foreach (var (_, vector) in documents)
        {
            for (var i = 0; i < vector.Count; i++)
            {
                _maxWeight[vector.Terms[i]] = Math.Max(_maxWeight.GetValueOrDefault(vector.Terms[i]), vector.Weights[i]);
            }
        }
    }

    public int Vocabulary { get; }

    public List<(string Id, SparseVector Vector)> Documents { get; }

    public static RandomCorpus Create(Random random, int vocabulary, int documents, int termsPerDocument)
    {
        var list = new List<(string, SparseVector)>(documents);
        for (var d = 0; d < documents; d++)
        {
            list.Add(($"doc-{d}-{random.Next(1000)}", Vector(random, vocabulary, random.Next(0, termsPerDocument + 1), coarse: random.Next(4) == 0)));
        }
        return new RandomCorpus(vocabulary, list);
    }

    /// <summary>Distinct terms drawn with a Zipf-like skew; coarse weights make equal scores (ties) likely.</summary>
    public static SparseVector Vector(Random random, int vocabulary, int count, bool coarse, bool allowNegative = false)
    {
        var terms = new SortedSet<int>();
        count = Math.Min(count, vocabulary);
        while (terms.Count < count)
        {
            // Half the draws skewed towards low ids (frequent terms), half uniform (so that any count is reachable fast).
            var u = random.NextDouble();
            terms.Add((int)Math.Min(vocabulary - 1, Math.Floor((random.Next(2) == 0 ? Math.Pow(u, 2.5) : u) * vocabulary)));
        }
        var termArray = terms.ToArray();
        var weights = new float[termArray.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = coarse ? random.Next(0, 4) * 0.5f : (float)(random.NextDouble() * 3);
            if (allowNegative && random.Next(5) == 0)
            {
                weights[i] = -weights[i];
            }
        }
        return new SparseVector(termArray, weights);
    }

    /// <summary>Brute force over the quantized impacts, written independently of the index's search.</summary>
    public List<SearchHit> BruteForce(SparseVector query, int k)
    {
        var scored = new List<(float Score, int Doc)>();
        for (var d = 0; d < Documents.Count; d++)
        {
            var document = Documents[d].Vector;
            var score = 0f;
            var matched = false;
            for (var q = 0; q < query.Count; q++)
            {
                var at = document.Terms.BinarySearch(query.Terms[q]);
                if (at < 0 || query.Weights[q] == 0)
                {
                    continue;
                }
                var scale = ImpactQuantizer.Scale(_maxWeight[query.Terms[q]]);
                var impact = ImpactQuantizer.Quantize(document.Weights[at], scale);
                if (impact > 0)
                {
                    score += query.Weights[q] * (impact * scale);
                    matched = true;
                }
            }
            if (matched)
            {
                scored.Add((score, d));
            }
        }
        scored.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Doc.CompareTo(b.Doc));
        return scored.Take(k).Select(s => new SearchHit(Documents[s.Doc].Id, s.Score)).ToList();
    }

    public void Write(ISparseIndex index, string path, string origin)
    {
        using var writer = index.Create(path, origin);
        foreach (var (id, vector) in Documents)
        {
            writer.Add(id, vector);
        }
        writer.Complete();
    }
}
