namespace Sieve.Kernels;

/// <summary>Sizes of one attention call: query [Batch, QueryHeads, QueryLength, HeadSize], keys/values [Batch, KeyValueHeads, KeyLength, HeadSize].</summary>
public readonly record struct AttentionDims(int Batch, int QueryHeads, int KeyValueHeads, int QueryLength, int KeyLength, int HeadSize)
{
    /// <summary>Query heads per key/value head (grouped-query attention).</summary>
    public int Group => QueryHeads / KeyValueHeads;
}
