namespace Sieve.Kernels;

/// <summary>
/// Where the kernels' parallel loops run. By default on .NET's thread pool. A host that calls kernels from inside
/// another runtime's operator (an ONNX Runtime custom op) makes that runtime's intra-op pool current for the call, so
/// the kernel and the runtime's own nodes share one set of threads instead of contending for the cores.
/// The choice is per calling thread and lasts until the returned scope is disposed.
/// </summary>
public static class ParallelWork
{
    [ThreadStatic]
    private static IParallelRunner? _current;

    /// <summary>The runner of loops started on this thread, or null for .NET's thread pool.</summary>
    public static IParallelRunner? CurrentRunner => _current;

    /// <summary>Makes <paramref name="runner"/> run the loops started on this thread until the result is disposed.</summary>
    public static Scope Use(IParallelRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var previous = _current;
        _current = runner;
        return new Scope(previous);
    }

    /// <summary>Runs <paramref name="body"/> for 0 ≤ i &lt; <paramref name="count"/>, in parallel when there are several.</summary>
    public static void For(int count, Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (count == 1)
        {
            body(0);
        }
        else if (count > 1)
        {
            if (_current is { } runner)
            {
                runner.Run(count, body);
            }
            else
            {
                Parallel.For(0, count, body);
            }
        }
    }

    /// <summary>
    /// Splits [0, <paramref name="total"/>) into about <paramref name="ranges"/> contiguous ranges and runs
    /// <paramref name="body"/>(from, to) for each, in parallel.
    /// </summary>
    public static void ForRanges(int total, int ranges, Action<int, int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var size = Math.Max(1, (total + Math.Max(1, ranges) - 1) / Math.Max(1, ranges));
        For((total + size - 1) / size, r => body(r * size, Math.Min(total, (r + 1) * size)));
    }

    /// <summary>Restores the runner that was current before <see cref="Use"/>.</summary>
    public readonly struct Scope(IParallelRunner? previous) : IDisposable
    {
        /// <summary>Restores the previous runner.</summary>
        public void Dispose() => _current = previous;
    }
}
