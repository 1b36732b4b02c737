namespace Sieve.Cuda.Ptx;

/// <summary>One kernel parameter in the launch buffer: where it sits and what it holds.</summary>
/// <param name="Name">The C# parameter's name, for messages.</param>
/// <param name="Type">The C# parameter type.</param>
/// <param name="IsView">An <c>ArrayView&lt;T&gt;</c>: {u64 address, i64 length in elements}.</param>
/// <param name="ElementType">The view's element type, or the value's type.</param>
/// <param name="Offset">Byte offset in the packed parameter buffer.</param>
/// <param name="Size">Bytes.</param>
/// <param name="Alignment">Natural alignment in bytes.</param>
internal sealed record KernelParameter(string Name, Type Type, bool IsView, Type ElementType, int Offset, int Size, int Alignment);
