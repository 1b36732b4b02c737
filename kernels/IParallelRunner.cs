namespace Sieve.Kernels;

/// <summary>Runs the iterations of a loop on some set of threads and returns when all are done.</summary>
public interface IParallelRunner
{
    /// <summary>
    /// Runs <paramref name="body"/>(i) for 0 ≤ i &lt; <paramref name="count"/>. Iterations are independent; an
    /// exception from one is rethrown on the caller after the loop.
    /// </summary>
    void Run(int count, Action<int> body);
}
