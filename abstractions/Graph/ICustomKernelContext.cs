namespace Sieve.Abstractions;

/// <summary>
/// The inputs and outputs of one <see cref="ICustomKernel.Compute"/> call. Views are valid only during the call; on a
/// CUDA session they are device views and the host's <see cref="IGpuDevice"/> enqueues on the node's stream.
/// </summary>
public interface ICustomKernelContext
{
    /// <summary>Where the views live.</summary>
    DeviceKind Device { get; }

    /// <summary>The run's shared state.</summary>
    OperatorRunContext Run { get; }

    /// <summary>Number of inputs the node passes (optional inputs at the end may be missing).</summary>
    int InputCount { get; }

    /// <summary>Whether input <paramref name="index"/> is present.</summary>
    bool HasInput(int index);

    /// <summary>The element type of input <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input is absent.</exception>
    TensorElementType InputType(int index);

    /// <summary>Input <paramref name="index"/> as a view.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input is absent.</exception>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not the input's element type.</exception>
    TensorView<T> Input<T>(int index) where T : unmanaged;

    /// <summary>Allocates output <paramref name="index"/> with <paramref name="shape"/> and returns it as a view.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not the output's declared element type.</exception>
    TensorView<T> Output<T>(int index, TensorShape shape) where T : unmanaged;
}
