namespace Sieve.Tools.Eval;

/// <summary>Ranking quality of one query against binary relevance judgements.</summary>
internal static class RetrievalMetrics
{
    /// <summary>nDCG@k with binary gains: DCG of the ranking over the ideal DCG of min(k, |relevant|) hits.</summary>
    public static double Ndcg(IReadOnlyList<string> ranking, IReadOnlySet<string> relevant, int k)
    {
        if (relevant.Count == 0)
        {
            return 0;
        }
        var dcg = 0.0;
        for (var rank = 0; rank < Math.Min(k, ranking.Count); rank++)
        {
            if (relevant.Contains(ranking[rank]))
            {
                dcg += 1 / Math.Log2(rank + 2);
            }
        }
        var ideal = 0.0;
        for (var rank = 0; rank < Math.Min(k, relevant.Count); rank++)
        {
            ideal += 1 / Math.Log2(rank + 2);
        }
        return dcg / ideal;
    }

    /// <summary>Share of the relevant documents found in the first <paramref name="k"/>.</summary>
    public static double Recall(IReadOnlyList<string> ranking, IReadOnlySet<string> relevant, int k)
    {
        if (relevant.Count == 0)
        {
            return 0;
        }
        var found = 0;
        for (var rank = 0; rank < Math.Min(k, ranking.Count); rank++)
        {
            if (relevant.Contains(ranking[rank]))
            {
                found++;
            }
        }
        return (double)found / relevant.Count;
    }

    /// <summary>1 / rank of the first relevant document within the first <paramref name="k"/>, else 0.</summary>
    public static double ReciprocalRank(IReadOnlyList<string> ranking, IReadOnlySet<string> relevant, int k)
    {
        for (var rank = 0; rank < Math.Min(k, ranking.Count); rank++)
        {
            if (relevant.Contains(ranking[rank]))
            {
                return 1.0 / (rank + 1);
            }
        }
        return 0;
    }
}
