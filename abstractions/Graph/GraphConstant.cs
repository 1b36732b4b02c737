namespace Sieve.Abstractions;

/// <summary>A constant tensor of the graph (an initializer or a <c>Constant</c> node's value). Immutable.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="ElementType">Its element type, or <see langword="null"/> for types Sieve's views do not carry.</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Read">Reads the elements as float32 (float16 and integers converted); null when the type is not numeric.</param>
public sealed record GraphConstant(string Name, TensorElementType? ElementType, TensorShape Shape, Func<float[]>? Read)
{
    /// <summary>The elements as float32, row-major.</summary>
    /// <exception cref="NotSupportedException">The constant is not numeric.</exception>
    public float[] ToFloats() => Read?.Invoke() ?? throw new NotSupportedException($"Constant '{Name}' is not a numeric tensor.");
}
