namespace Sieve.Abstractions;

/// <summary>An immutable tensor shape (dimensions, outermost first). All dimensions are known and non-negative.</summary>
public sealed class TensorShape : IEquatable<TensorShape>
{
    private readonly long[] _dimensions;

    /// <summary>Creates a shape.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    public TensorShape(params ReadOnlySpan<long> dimensions)
    {
        foreach (var d in dimensions)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(dimensions));
        }
        _dimensions = dimensions.ToArray();
    }

    /// <summary>The dimensions, outermost first.</summary>
    public ReadOnlySpan<long> Dimensions => _dimensions;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _dimensions.Length;

    /// <summary>The dimension at <paramref name="axis"/>; negative axes count from the end.</summary>
    public long this[int axis] => _dimensions[axis < 0 ? _dimensions.Length + axis : axis];

    /// <summary>The number of elements (1 for a scalar).</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (var d in _dimensions)
            {
                count = checked(count * d);
            }
            return count;
        }
    }

    /// <inheritdoc/>
    public bool Equals(TensorShape? other) => other is not null && _dimensions.AsSpan().SequenceEqual(other._dimensions);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TensorShape);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var d in _dimensions)
        {
            hash.Add(d);
        }
        return hash.ToHashCode();
    }

    /// <summary>The shape as <c>[2, 12, 512, 32]</c>.</summary>
    public override string ToString() => "[" + string.Join(", ", _dimensions) + "]";
}
