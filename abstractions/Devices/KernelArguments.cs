using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sieve.Abstractions;

/// <summary>
/// The arguments of one kernel launch, in parameter order: views over device memory and values. The host checks them
/// against the kernel's parameters before it launches. Not thread-safe; build one per launch.
/// </summary>
public sealed class KernelArguments
{
    private readonly List<KernelArgument> _items = [];

    /// <summary>The arguments so far, in order.</summary>
    public IReadOnlyList<KernelArgument> Items => _items;

    /// <summary>Adds an <c>ArrayView&lt;T&gt;</c> argument of <paramref name="length"/> elements at <paramref name="address"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The length is negative, or positive over a null address.</exception>
    public KernelArguments View<T>(DeviceAddress address, long length) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (address.IsNull && length > 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"A view of {length} elements needs an address.");
        }
        _items.Add(new KernelArgument(KernelArgumentKind.View, typeof(T), address, length, ReadOnlyMemory<byte>.Empty));
        return this;
    }

    /// <summary>Adds a view over a whole tensor on the device.</summary>
    /// <exception cref="ArgumentException">The tensor is in host memory.</exception>
    public KernelArguments View<T>(TensorView<T> tensor) where T : unmanaged
    {
        if (tensor.Device == DeviceKind.Cpu)
        {
            throw new ArgumentException("A kernel argument must be device memory, not a host tensor.", nameof(tensor));
        }
        return View<T>(tensor.Address, tensor.Shape.ElementCount);
    }

    /// <summary>Adds a value passed by copy: an <see cref="int"/>, a <see cref="float"/>, or a struct of such fields.</summary>
    public KernelArguments Value<T>(T value) where T : unmanaged
    {
        var bytes = new byte[Unsafe.SizeOf<T>()];
        MemoryMarshal.Write(bytes, in value);
        _items.Add(new KernelArgument(KernelArgumentKind.Value, typeof(T), default, 0, bytes));
        return this;
    }
}
