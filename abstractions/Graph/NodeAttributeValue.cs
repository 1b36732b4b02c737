namespace Sieve.Abstractions;

/// <summary>A node attribute: one integer, float or string, or a list of integers or floats. Immutable.</summary>
public sealed class NodeAttributeValue
{
    private readonly object _value;

    private NodeAttributeValue(object value) => _value = value;

    /// <summary>An integer attribute.</summary>
    public static NodeAttributeValue Of(long value) => new(value);

    /// <summary>A float attribute.</summary>
    public static NodeAttributeValue Of(float value) => new(value);

    /// <summary>A string attribute.</summary>
    public static NodeAttributeValue Of(string value) => new(value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>A list of integers.</summary>
    public static NodeAttributeValue Of(IReadOnlyList<long> values) => new(values?.ToArray() ?? throw new ArgumentNullException(nameof(values)));

    /// <summary>A list of floats.</summary>
    public static NodeAttributeValue Of(IReadOnlyList<float> values) => new(values?.ToArray() ?? throw new ArgumentNullException(nameof(values)));

    /// <summary>The value: a <see cref="long"/>, <see cref="float"/>, <see cref="string"/>, <c>long[]</c> or <c>float[]</c>.</summary>
    public object Value => _value is Array array ? array.Clone() : _value;

    /// <summary>The integer.</summary>
    /// <exception cref="InvalidOperationException">The attribute is not an integer.</exception>
    public long AsInt => _value is long value ? value : throw Mismatch("an integer");

    /// <summary>The float.</summary>
    /// <exception cref="InvalidOperationException">The attribute is not a float.</exception>
    public float AsFloat => _value is float value ? value : throw Mismatch("a float");

    /// <summary>The string.</summary>
    /// <exception cref="InvalidOperationException">The attribute is not a string.</exception>
    public string AsString => _value as string ?? throw Mismatch("a string");

    /// <summary>The list of integers.</summary>
    /// <exception cref="InvalidOperationException">The attribute is not a list of integers.</exception>
    public IReadOnlyList<long> AsInts => _value as long[] ?? throw Mismatch("a list of integers");

    /// <summary>The list of floats.</summary>
    /// <exception cref="InvalidOperationException">The attribute is not a list of floats.</exception>
    public IReadOnlyList<float> AsFloats => _value as float[] ?? throw Mismatch("a list of floats");

    /// <inheritdoc/>
    public override string ToString() => _value switch
    {
        long[] ints => "[" + string.Join(", ", ints) + "]",
        float[] floats => "[" + string.Join(", ", floats.Select(f => f.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]",
        float single => single.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => _value.ToString() ?? "",
    };

    private InvalidOperationException Mismatch(string wanted) => new($"The attribute is {_value.GetType().Name}, not {wanted}.");
}
