namespace Sieve.Tools.Eval;

/// <summary>One system's line of the retrieval evaluation.</summary>
internal sealed record RetrievalSystemResult(
    string System,
    string Description,
    double Ndcg10,
    double Recall100,
    double Mrr10,
    double SearchP50Ms,
    double SearchP99Ms,
    double QueryEncodeMs,
    long IndexBytes,
    double BuildSeconds,
    int Unanswerable);
