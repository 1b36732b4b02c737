namespace Sieve.Abstractions;

/// <summary>
/// A borrowed, dense, row-major view of a tensor passed to an operator call. The caller owns the memory; the view is
/// valid only for the duration of the call that received it and must not be stored (it is a <c>ref struct</c>).
/// CPU views expose <see cref="Span"/> (and <see cref="Memory"/>, which worker threads of the same call may use);
/// CUDA views expose <see cref="Address"/> for the host's device service.
/// </summary>
/// <typeparam name="T">The element type; must match <see cref="ElementType"/>.</typeparam>
public readonly ref struct TensorView<T> where T : unmanaged
{
    private readonly Span<T> _span;
    private readonly Memory<T> _memory;

    /// <summary>Creates a view over host memory.</summary>
    /// <exception cref="ArgumentException">The span's length differs from the shape's element count.</exception>
    public TensorView(Span<T> data, TensorShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (data.Length != shape.ElementCount)
        {
            throw new ArgumentException($"A {shape} tensor has {shape.ElementCount} elements, the span {data.Length}.", nameof(data));
        }
        _span = data;
        Shape = shape;
        Device = DeviceKind.Cpu;
    }

    /// <summary>Creates a view over host memory that the call may also hand to worker threads.</summary>
    /// <exception cref="ArgumentException">The memory's length differs from the shape's element count.</exception>
    public TensorView(Memory<T> data, TensorShape shape) : this(data.Span, shape)
    {
        _memory = data;
    }

    /// <summary>Creates a view over device memory.</summary>
    public TensorView(DeviceAddress address, TensorShape shape, DeviceKind device)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (device == DeviceKind.Cpu)
        {
            throw new ArgumentException("Use the span constructor for host memory.", nameof(device));
        }
        Address = address;
        Shape = shape;
        Device = device;
    }

    /// <summary>The tensor's shape.</summary>
    public TensorShape Shape { get; }

    /// <summary>Where the memory lives.</summary>
    public DeviceKind Device { get; }

    /// <summary>The device address; null for host views.</summary>
    public DeviceAddress Address { get; }

    /// <summary>The element type, derived from <typeparamref name="T"/>.</summary>
    public TensorElementType ElementType => TensorElementTypes.Of<T>();

    /// <summary>
    /// The elements as memory, for worker threads of the call that received the view; valid only until that call returns.
    /// </summary>
    /// <exception cref="InvalidOperationException">The view was created from a span only, or is on a device.</exception>
    public Memory<T> Memory => Device == DeviceKind.Cpu && _memory.Length == _span.Length && (_span.IsEmpty || _memory.Span == _span)
        ? _memory
        : throw new InvalidOperationException("This view has no Memory (it was created over a span); use Span on the calling thread.");

    /// <summary>The elements, row-major.</summary>
    /// <exception cref="InvalidOperationException">The view is on a device, not the host.</exception>
    public Span<T> Span => Device == DeviceKind.Cpu
        ? _span
        : throw new InvalidOperationException($"A {Device} tensor has no host span; use the host's device service.");
}
