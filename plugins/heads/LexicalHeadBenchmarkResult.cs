namespace Sieve.Plugins.Heads;

/// <summary>What <see cref="LexicalHeadBenchmark.Run"/> measured.</summary>
/// <param name="DenseMilliseconds">Median time of a dense call.</param>
/// <param name="FusedMilliseconds">Median time of a fused call.</param>
/// <param name="DenseCpuMilliseconds">Median process CPU time of a dense call (all threads).</param>
/// <param name="FusedCpuMilliseconds">Median process CPU time of a fused call (all threads).</param>
/// <param name="DenseAllocatedBytes">Most bytes a warm dense call allocated (the logits, the output vectors).</param>
/// <param name="FusedAllocatedBytes">Most bytes a warm fused call allocated (pooled scratch is reused, so mostly the output vectors).</param>
/// <param name="DenseWorkingBytes">Buffers a dense call needs by construction: the logits and the pooled weights.</param>
/// <param name="FusedWorkingBytes">Buffers a fused call needs by construction: the [batch, vocabulary] maxima.</param>
/// <param name="MaxRelativeDifference">Largest relative difference of a kept weight; infinity if the kept terms differ.</param>
public sealed record LexicalHeadBenchmarkResult(double DenseMilliseconds, double FusedMilliseconds, double DenseCpuMilliseconds, double FusedCpuMilliseconds,
    long DenseAllocatedBytes, long FusedAllocatedBytes,
    long DenseWorkingBytes, long FusedWorkingBytes, double MaxRelativeDifference)
{
    /// <summary>Dense time over fused time.</summary>
    public double Speedup => DenseMilliseconds / FusedMilliseconds;

    /// <summary>Dense CPU time over fused CPU time.</summary>
    public double CpuRatio => DenseCpuMilliseconds / FusedCpuMilliseconds;

    /// <summary>Dense working memory over fused working memory.</summary>
    public double MemoryRatio => (double)DenseWorkingBytes / FusedWorkingBytes;
}
