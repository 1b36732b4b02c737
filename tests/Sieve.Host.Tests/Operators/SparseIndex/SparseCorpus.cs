using Sieve.Abstractions;

namespace Sieve.Host.Tests.Operators.SparseIndex;

/// <summary>Random sparse documents and queries, and the naive top k the exact index must reproduce.</summary>
internal static class SparseCorpus
{
    /// <summary>
    /// <paramref name="count"/> documents over <paramref name="vocabulary"/> terms, up to <paramref name="maxTerms"/>
    /// each (some empty); weights are drawn from <paramref name="levels"/> so that many scores tie.
    /// </summary>
    public static (string Id, SparseVector Vector)[] Documents(int count, int vocabulary, int maxTerms, float[] levels, int seed)
    {
        var random = new Random(seed);
        var documents = new (string, SparseVector)[count];
        for (var d = 0; d < count; d++)
        {
            documents[d] = ($"doc-{d}", Vector(random, vocabulary, random.Next(0, maxTerms + 1), levels));
        }
        return documents;
    }

    public static SparseVector Vector(Random random, int vocabulary, int terms, float[] levels)
    {
        var chosen = new SortedSet<int>();
        while (chosen.Count < Math.Min(terms, vocabulary))
        {
            chosen.Add(random.Next(vocabulary));
        }
        var weights = chosen.Select(_ => levels[random.Next(levels.Length)]).ToArray();
        return new SparseVector(chosen.ToArray(), weights);
    }

    /// <summary>
    /// The top <paramref name="k"/> written the obvious way: each document's dense weights, the float sum of query ×
    /// document weight in ascending query-term order over the terms where both are non-zero, documents sharing no such
    /// term left out, then sorted by score (best first) and add order.
    /// </summary>
    public static List<SearchHit> NaiveTopK((string Id, SparseVector Vector)[] documents, SparseVector query, int k)
    {
        var scored = new List<(float Score, int Doc)>();
        for (var d = 0; d < documents.Length; d++)
        {
            var dense = new Dictionary<int, float>();
            for (var i = 0; i < documents[d].Vector.Count; i++)
            {
                dense[documents[d].Vector.Terms[i]] = documents[d].Vector.Weights[i];
            }
            var score = 0f;
            var matched = false;
            for (var i = 0; i < query.Count; i++)
            {
                if (dense.TryGetValue(query.Terms[i], out var weight) && weight != 0 && query.Weights[i] != 0)
                {
                    score += query.Weights[i] * weight;
                    matched = true;
                }
            }
            if (matched)
            {
                scored.Add((score, d));
            }
        }
        return scored.OrderByDescending(s => s.Score).ThenBy(s => s.Doc).Take(k).Select(s => new SearchHit(documents[s.Doc].Id, s.Score)).ToList();
    }
}
