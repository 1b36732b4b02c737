using System.Diagnostics;
using System.Globalization;
using Sieve.Abstractions;

namespace Sieve.Plugins.Heads;

/// <summary>
/// <c>lexical-head/fused</c> against <c>lexical-head/dense</c> on random data of a given shape: time per call (median
/// of the iterations after one warm-up call each, as wall clock and as process CPU time, which a busy machine disturbs
/// less), bytes allocated by a call, the working buffers each call needs by construction, and the largest difference of
/// the weights. For the host's <c>sieve bench</c>; not thread-safe (it measures the process's allocations).
/// </summary>
public static class LexicalHeadBenchmark
{
    /// <summary>[PAD], [CLS], [SEP], [MASK] of the BERT vocabulary: excluded as a real head would.</summary>
    private static readonly int[] SpecialTerms = [0, 101, 102, 103];

    /// <summary>Runs both heads and writes one line per head and a summary to <paramref name="output"/>.</summary>
    /// <param name="batch">Sequences per call (all of full length).</param>
    /// <param name="sequence">Tokens per sequence.</param>
    /// <param name="vocabulary">Terms (30522 for BERT).</param>
    /// <param name="hidden">Hidden size (384 for MiniLM).</param>
    /// <param name="iterations">Timed calls per head, at least 1.</param>
    /// <param name="output">Where the report goes.</param>
    /// <param name="topK">Terms kept per sequence (<see cref="LexicalHeadOptions.TopK"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or the iteration count is less than 1.</exception>
    public static LexicalHeadBenchmarkResult Run(int batch, int sequence, int vocabulary, int hidden, int iterations, TextWriter output, int topK = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentNullException.ThrowIfNull(output);
        var random = new Random(20240611);
        var weights = new float[(long)vocabulary * hidden];
        var scale = 1f / MathF.Sqrt(hidden);
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = (random.NextSingle() * 2 - 1) * scale;
        }
        var bias = new float[vocabulary];
        Array.Fill(bias, -1f);
        var states = new float[(long)batch * sequence * hidden];
        for (var i = 0; i < states.Length; i++)
        {
            states[i] = random.NextSingle() * 4 - 2;
        }
        var lengths = new int[batch];
        Array.Fill(lengths, sequence);
        var projection = new VocabularyProjection(weights, bias, vocabulary, hidden, Array.FindAll(SpecialTerms, t => t < vocabulary));
        var options = new LexicalHeadOptions { TopK = topK };
        var shape = new TensorShape(batch, sequence, hidden);
        var dense = Measure(new DenseLexicalHead(options), projection, states, shape, lengths, iterations);
        var fused = Measure(new FusedLexicalHead(options), projection, states, shape, lengths, iterations);
        var difference = MaxRelativeDifference(dense.Vectors, fused.Vectors);
        var logitsBytes = 4L * batch * sequence * vocabulary;
        var maximaBytes = 4L * batch * vocabulary;
        var result = new LexicalHeadBenchmarkResult(dense.Milliseconds, fused.Milliseconds, dense.CpuMilliseconds, fused.CpuMilliseconds, dense.Allocated, fused.Allocated,
            logitsBytes + maximaBytes, maximaBytes, difference);
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Format(c, "lexical-head B={0} S={1} V={2} d={3}, {4} iterations, {5} threads", batch, sequence, vocabulary, hidden,
            iterations, Environment.ProcessorCount));
        output.WriteLine(string.Format(c, "  dense  {0,10:F1} ms ({3,10:F1} ms CPU)  allocated {1,14:N0} B  working buffers {2,14:N0} B", dense.Milliseconds, dense.Allocated,
            result.DenseWorkingBytes, dense.CpuMilliseconds));
        output.WriteLine(string.Format(c, "  fused  {0,10:F1} ms ({3,10:F1} ms CPU)  allocated {1,14:N0} B  working buffers {2,14:N0} B", fused.Milliseconds, fused.Allocated,
            result.FusedWorkingBytes, fused.CpuMilliseconds));
        output.WriteLine(string.Format(c, "  fused is {0:F2}x faster ({3:F2}x less CPU time), needs {1:F0}x less working memory; max relative weight difference {2:E2}",
            result.Speedup, result.MemoryRatio, difference, result.CpuRatio));
        return result;
    }

    private static (double Milliseconds, double CpuMilliseconds, long Allocated, SparseVector[] Vectors) Measure(ILexicalHead head, VocabularyProjection projection, float[] states,
        TensorShape shape, int[] lengths, int iterations)
    {
        using var encoder = head.Bind(projection);
        var vectors = new SparseVector[lengths.Length];
        encoder.Encode(new TensorView<float>(states.AsMemory(), shape), lengths, vectors); // warm-up: JIT, thread pool, array pool
        var times = new double[iterations];
        var cpu = new double[iterations];
        long allocated = 0;
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < iterations; i++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var start = Stopwatch.GetTimestamp();
            encoder.Encode(new TensorView<float>(states.AsMemory(), shape), lengths, vectors);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
            allocated = Math.Max(allocated, GC.GetTotalAllocatedBytes(precise: true) - before);
        }
        Array.Sort(times);
        Array.Sort(cpu);
        return (times[iterations / 2], cpu[iterations / 2], allocated, vectors);
    }

    private static double MaxRelativeDifference(SparseVector[] expected, SparseVector[] actual)
    {
        double worst = 0;
        for (var b = 0; b < expected.Length; b++)
        {
            var e = expected[b];
            var a = actual[b];
            var n = Math.Min(e.Count, a.Count);
            for (var i = 0; i < n; i++)
            {
                if (e.Terms[i] != a.Terms[i])
                {
                    return double.PositiveInfinity; // a different term set (only near-ties at the top-k boundary do this)
                }
                worst = Math.Max(worst, Math.Abs(e.Weights[i] - a.Weights[i]) / Math.Max(1e-6, Math.Abs(e.Weights[i])));
            }
            if (e.Count != a.Count)
            {
                return double.PositiveInfinity;
            }
        }
        return worst;
    }
}
