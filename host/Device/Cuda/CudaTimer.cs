namespace Sieve.Host.Device.Cuda;

/// <summary>Two CUDA events around work on one stream: GPU time without host overhead (for benchmarks).</summary>
internal sealed unsafe class CudaTimer : IDisposable
{
    private readonly nint _stream;
    private readonly nint _start;
    private readonly nint _end;

    public CudaTimer(nint stream)
    {
        _stream = stream;
        nint start, end;
        CudaDriver.Check(CudaDriver.cuEventCreate(&start, 0), "cuEventCreate");
        CudaDriver.Check(CudaDriver.cuEventCreate(&end, 0), "cuEventCreate");
        (_start, _end) = (start, end);
        CudaDriver.Check(CudaDriver.cuEventRecord(_start, _stream), "cuEventRecord");
    }

    /// <summary>Records the end, waits for it, and returns the milliseconds between the two events.</summary>
    public double Stop()
    {
        CudaDriver.Check(CudaDriver.cuEventRecord(_end, _stream), "cuEventRecord");
        CudaDriver.Check(CudaDriver.cuEventSynchronize(_end), "cuEventSynchronize");
        float milliseconds;
        CudaDriver.Check(CudaDriver.cuEventElapsedTime(&milliseconds, _start, _end), "cuEventElapsedTime");
        return milliseconds;
    }

    public void Dispose()
    {
        _ = CudaDriver.cuEventDestroy(_start);
        _ = CudaDriver.cuEventDestroy(_end);
    }
}
