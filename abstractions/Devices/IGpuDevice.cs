using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Sieve.Abstractions;

/// <summary>
/// The host's NVIDIA GPU, offered to operators through the service provider their factory receives (absent when the
/// job runs on the CPU). The host owns the CUDA context (the primary context, which ONNX Runtime also uses), compiles
/// kernels written in C# with ILGPU to PTX and launches them; operators never touch CUDA handles. Thread-safe.
/// </summary>
/// <remarks>
/// Work is enqueued, never waited for, on the stream of the operator call in progress on the calling thread (inside a
/// model: ONNX Runtime's compute stream for the node), or on the device's own stream outside an operator call.
/// </remarks>
[Experimental("SIEVE001")]
public interface IGpuDevice
{
    /// <summary>The device's name, e.g. <c>NVIDIA H100 80GB HBM3</c>.</summary>
    string Name { get; }

    /// <summary>Compute capability as major·10 + minor, e.g. 90 for Hopper.</summary>
    int ComputeCapability { get; }

    /// <summary>Multiprocessors on the device (for sizing grids).</summary>
    int MultiprocessorCount { get; }

    /// <summary>
    /// Returns the kernel compiled from <paramref name="method"/>: a static, explicitly grouped ILGPU kernel (no index
    /// parameter; grid and group come from <see cref="IGpuKernel.Launch"/>) whose parameters are <c>ArrayView&lt;T&gt;</c>,
    /// <see cref="int"/>, <see cref="float"/> or structs of those scalars. Compiled and loaded once per method and
    /// device, then cached; call it at construction, not per launch.
    /// </summary>
    /// <exception cref="ArgumentException">The method is not a static method with supported parameters.</exception>
    /// <exception cref="InvalidOperationException">ILGPU or the driver rejected the kernel (the message says which and why).</exception>
    IGpuKernel Kernel(MethodInfo method);

    /// <summary>
    /// Allocates device memory, ordered on the current stream; disposing the buffer frees it, also stream-ordered, so
    /// scratch of one operator call costs no synchronization.
    /// </summary>
    /// <exception cref="InsufficientMemoryException">The device has no room.</exception>
    IGpuBuffer Allocate(long bytes);

    /// <summary>
    /// Copies host data into device memory, ordered on the current stream after the work enqueued before it; returns
    /// when the copy is done (the source may be reused at once).
    /// </summary>
    void Upload<T>(ReadOnlySpan<T> source, DeviceAddress target) where T : unmanaged;

    /// <summary>Copies device memory to the host after the current stream's earlier work; returns when the copy is done.</summary>
    void Download<T>(DeviceAddress source, Span<T> target) where T : unmanaged;
}
