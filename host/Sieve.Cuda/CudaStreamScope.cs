namespace Sieve.Cuda;

/// <summary>
/// The CUDA stream of the operator call in progress on this thread: a custom op on ONNX Runtime's CUDA provider sets
/// it to ORT's compute stream for the node, so that every launch and stream-ordered allocation of the operator runs in
/// order with ORT's own kernels, with no synchronization. Outside a scope the device's own stream is used.
/// </summary>
internal static class CudaStreamScope
{
    [ThreadStatic]
    private static nint t_current;

    /// <summary>The current operator stream of this thread, or zero.</summary>
    public static nint Current => t_current;

    /// <summary>Makes <paramref name="stream"/> current until the returned scope is disposed.</summary>
    public static Scope Enter(nint stream)
    {
        var previous = t_current;
        t_current = stream;
        return new Scope(previous);
    }

    public readonly struct Scope(nint previous) : IDisposable
    {
        public void Dispose() => t_current = previous;
    }
}
