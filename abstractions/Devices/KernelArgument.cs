namespace Sieve.Abstractions;

/// <summary>One argument of a kernel launch (see <see cref="KernelArguments"/>).</summary>
/// <param name="Kind">What the argument is.</param>
/// <param name="ElementType">The element type of a view, the type of a scalar or struct.</param>
/// <param name="Address">A view's first element.</param>
/// <param name="Length">A view's length in elements.</param>
/// <param name="Bytes">A scalar's or struct's bytes, little-endian.</param>
public readonly record struct KernelArgument(KernelArgumentKind Kind, Type ElementType, DeviceAddress Address, long Length, ReadOnlyMemory<byte> Bytes);
