namespace Sieve.Kernels;

/// <summary>A half-open range of key positions [Start, End) that a query block attends to.</summary>
public readonly record struct KeyRange(int Start, int End)
{
    /// <summary>Number of keys in the range.</summary>
    public int Length => End - Start;
}
