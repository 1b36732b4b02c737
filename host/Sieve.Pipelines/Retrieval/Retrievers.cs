namespace Sieve.Host.Retrieval;

/// <summary>The retrieval systems a <c>search</c> job can use (<c>Sieve:Jobs:i:Retriever</c>).</summary>
internal static class Retrievers
{
    public const string Dense = "dense";
    public const string Sparse = "sparse";
    public const string Bm25 = "bm25";

    public static readonly IReadOnlyList<string> Names = [Dense, Sparse, Bm25];
}
