using Sieve.Abstractions;

namespace Sieve.Cuda;

/// <summary>
/// Device memory from CUDA's stream-ordered allocator: allocated on the stream current at creation and, when disposed,
/// freed on that stream (the device's own stream is kept alive for it; ORT's must outlive the buffer: a buffer made
/// inside an operator call is disposed inside it). Owned by a <see cref="SafeCudaDeviceMemoryHandle"/>, so a forgotten Dispose is freed by the
/// finalizer (after a context synchronization) instead of leaking.
/// </summary>
internal sealed class CudaBuffer : IGpuBuffer
{
    // Null for an empty buffer: nothing was allocated.
    private readonly SafeCudaDeviceMemoryHandle? _memory;

    /// <param name="ownStream">The stream when the host created it (the device's own), else null.</param>
    /// <param name="stream">The stream to allocate and free on.</param>
    public CudaBuffer(CudaPrimaryContext context, SafeCudaStreamHandle? ownStream, nint stream, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        Bytes = bytes;
        if (bytes == 0)
        {
            return;
        }
        context.MakeCurrent();
        var result = CudaDriver.cuMemAllocAsync(out var memory, (nuint)bytes, stream);
        if (result == 2) // CUDA_ERROR_OUT_OF_MEMORY
        {
            throw new InsufficientMemoryException($"The GPU has no room for {bytes:N0} more bytes ({CudaDriver.Describe(result)}).");
        }
        CudaDriver.Check(result, $"cuMemAllocAsync({bytes:N0} bytes)");
        try
        {
            memory.BindTo(context.Handle, ownStream, stream);
        }
        catch (ObjectDisposedException)
        {
            memory.Dispose(); // the context was disposed meanwhile: free now, on the stream, while it is still current
            throw;
        }
        _memory = memory;
    }

    /// <summary>The memory's address; zero when empty or disposed.</summary>
    public DeviceAddress Address => _memory is { IsClosed: false } memory ? new(memory.Address) : default;

    public long Bytes { get; }

    public void Dispose() => _memory?.Dispose();
}
