namespace Sieve.Abstractions;

/// <summary>A sparse vector over a vocabulary: term ids in ascending order with their weights. Immutable.</summary>
public sealed class SparseVector
{
    private readonly int[] _terms;
    private readonly float[] _weights;

    /// <summary>Creates a vector; the arrays are copied.</summary>
    /// <exception cref="ArgumentException">Lengths differ or terms are not strictly ascending.</exception>
    public SparseVector(ReadOnlySpan<int> terms, ReadOnlySpan<float> weights)
    {
        if (terms.Length != weights.Length)
        {
            throw new ArgumentException($"{terms.Length} terms but {weights.Length} weights.", nameof(weights));
        }
        for (var i = 1; i < terms.Length; i++)
        {
            if (terms[i] <= terms[i - 1])
            {
                throw new ArgumentException("Terms must be strictly ascending.", nameof(terms));
            }
        }
        _terms = terms.ToArray();
        _weights = weights.ToArray();
    }

    /// <summary>Term ids, ascending.</summary>
    public ReadOnlySpan<int> Terms => _terms;

    /// <summary>Weights, aligned with <see cref="Terms"/>.</summary>
    public ReadOnlySpan<float> Weights => _weights;

    /// <summary>Number of non-zero terms.</summary>
    public int Count => _terms.Length;
}
