using Sieve.Abstractions;

namespace Sieve.Host.Device.Cuda;

/// <summary>Device memory from CUDA's stream-ordered allocator: allocated and freed on the stream current at creation.</summary>
internal sealed unsafe class CudaBuffer : IGpuBuffer
{
    private readonly CudaPrimaryContext _context;
    private readonly nint _stream;
    private ulong _pointer;

    public CudaBuffer(CudaPrimaryContext context, nint stream, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        _context = context;
        _stream = stream;
        Bytes = bytes;
        if (bytes == 0)
        {
            return;
        }
        context.MakeCurrent();
        ulong pointer;
        var result = CudaDriver.cuMemAllocAsync(&pointer, (nuint)bytes, stream);
        if (result == 2) // CUDA_ERROR_OUT_OF_MEMORY
        {
            throw new InsufficientMemoryException($"The GPU has no room for {bytes:N0} more bytes ({CudaDriver.Describe(result)}).");
        }
        CudaDriver.Check(result, $"cuMemAllocAsync({bytes:N0} bytes)");
        _pointer = pointer;
    }

    public DeviceAddress Address => new(_pointer);

    public long Bytes { get; }

    public void Dispose()
    {
        if (_pointer != 0)
        {
            _context.MakeCurrent();
            CudaDriver.Check(CudaDriver.cuMemFreeAsync(_pointer, _stream), "cuMemFreeAsync");
            _pointer = 0;
        }
    }
}
