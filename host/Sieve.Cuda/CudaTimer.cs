namespace Sieve.Cuda;

/// <summary>Two CUDA events around work on one stream: GPU time without host overhead (for benchmarks).</summary>
internal sealed class CudaTimer : IDisposable
{
    private readonly nint _stream;
    private readonly SafeCudaEventHandle _start;
    private readonly SafeCudaEventHandle _end;

    /// <summary>Records the start on <paramref name="stream"/>; the context must be current.</summary>
    public CudaTimer(CudaPrimaryContext context, nint stream)
    {
        _stream = stream;
        _start = Create(context);
        try
        {
            _end = Create(context);
            CudaDriver.Check(CudaDriver.cuEventRecord(_start, _stream), "cuEventRecord");
        }
        catch
        {
            _start.Dispose();
            _end?.Dispose();
            throw;
        }
    }

    /// <summary>Records the end, waits for it, and returns the milliseconds between the two events.</summary>
    public double Stop()
    {
        CudaDriver.Check(CudaDriver.cuEventRecord(_end, _stream), "cuEventRecord");
        CudaDriver.Check(CudaDriver.cuEventSynchronize(_end), "cuEventSynchronize");
        CudaDriver.Check(CudaDriver.cuEventElapsedTime(out var milliseconds, _start, _end), "cuEventElapsedTime");
        return milliseconds;
    }

    public void Dispose()
    {
        _start.Dispose();
        _end.Dispose();
    }

    private static SafeCudaEventHandle Create(CudaPrimaryContext context)
    {
        CudaDriver.Check(CudaDriver.cuEventCreate(out var @event, 0), "cuEventCreate");
        @event.BindTo(context.Handle);
        return @event;
    }
}
