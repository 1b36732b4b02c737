using System.Diagnostics;
using System.Globalization;
using Sieve.Abstractions;
using Sieve.Host.Cli;
using Sieve.Host.Operators;
using Sieve.Host.Plugins;

namespace Sieve.Tools.Bench;

/// <summary>
/// <c>lexical-head/fused</c> against <c>lexical-head/dense</c> (both from the plugin catalog) on random data: one
/// vocabulary projection (V 30522, d 384, BERT-sized), random hidden states, every sequence of full length. Per length:
/// one warm-up call each, then <c>--repeat</c> alternating calls (median wall clock and process CPU time, bytes
/// allocated by the call on any thread), then one call each from a collected heap for the peak resident memory it adds.
/// Not thread-safe (it measures the whole process).
/// </summary>
/// <remarks>
/// With <c>Sieve:Device</c> cuda the hidden states live on the GPU and both heads run their GPU kernels (the dense one
/// materializes B×S×V logits in device memory, the fused one never does); wall clock then covers the whole call
/// (kernels, the [B, V] download and the term selection on the host), the same work for both heads. On the GPU the
/// pair runs twice: with fp32 inputs (CUDA cores) and with fp16 inputs (<c>GpuPrecision: fp16</c>, tensor cores), and the
/// fp16 outputs are compared with the fp32 ones.
/// </remarks>
internal sealed class LexicalHeadBenchmark(CommandLine commandLine, PluginCatalog plugins, IServiceProvider services)
{
    private const int Vocabulary = 30522;
    private const int HiddenSize = 384;
    private const int TopK = 256;

    private static readonly string[] Heads = ["dense", "fused"];

    /// <summary>A head with the GPU input precision it runs with.</summary>
    private sealed record Variant(string Head, string Precision)
    {
        public string Label => Precision == "fp32" ? Head : $"{Head}/{Precision}";
    }

    /// <summary>Writes the table to <paramref name="output"/>; returns <see cref="ExitCodes.Success"/>.</summary>
    /// <exception cref="SieveException">The heads plugin is not loaded.</exception>
    public int Run(TextWriter output, CancellationToken cancellation)
    {
        var batch = commandLine.Value<int>("--batch-size");
        var lengths = commandLine.Value<List<int>>("--lengths");
        var repeat = commandLine.Value<int>("--repeat");
        foreach (var name in Heads)
        {
            if (!OperatorBinder.Has<ILexicalHead>(plugins, name))
            {
                throw new SieveException($"lexical-head/{name} is not registered: is the heads plugin in the plugins folder? (sieve plugins lists what was found)");
            }
        }
        var random = new Random(20261127);
        var projection = new VocabularyProjection(Uniform(random, (long)Vocabulary * HiddenSize, 1f / MathF.Sqrt(HiddenSize)), Filled(Vocabulary, -1f),
            Vocabulary, HiddenSize);
        var c = CultureInfo.InvariantCulture;
        Variant[] variants = Gpu is null
            ? [new("dense", "fp32"), new("fused", "fp32")]
            : [new("dense", "fp32"), new("fused", "fp32"), new("dense", "fp16"), new("fused", "fp16")];
        output.WriteLine(string.Create(c, $"lexical-head, V {Vocabulary}, d {HiddenSize}, TopK {TopK}, fp32 unless /fp16 (GPU inputs); W ~ U(±1/√d), bias −1, hidden ~ U(−2, 2), " +
            $"every sequence full length; {repeat} alternating calls after a warm-up (median), then one call each from a collected heap for the peak RSS"));
        output.WriteLine($"machine: {MachineDescription.Describe()}; device: {Gpu?.Description ?? "cpu"}");
        output.WriteLine("batch length head         bind ms     wall ms (GFLOP/s)     CPU ms    allocated/call   peak RSS +/call  runs (wall ms)");
        var encoders = new ILexicalEncoder[variants.Length];
        var bindMs = new double[variants.Length];
        try
        {
            for (var h = 0; h < variants.Length; h++)
            {
                var head = OperatorBinder.Standalone<ILexicalHead>(plugins, variants[h].Head,
                    new Dictionary<string, string> { ["TopK"] = TopK.ToString(c), ["GpuPrecision"] = variants[h].Precision }).Create<ILexicalHead>(services);
                var clock = Stopwatch.StartNew();
                encoders[h] = head.Bind(projection);
                bindMs[h] = clock.Elapsed.TotalMilliseconds;
            }
            foreach (var length in lengths)
            {
                if (cancellation.IsCancellationRequested)
                {
                    break;
                }
                Measure(output, variants, encoders, bindMs, batch, length, repeat, random);
            }
        }
        finally
        {
            foreach (var encoder in encoders)
            {
                encoder?.Dispose();
            }
        }
        return ExitCodes.Success;
    }

    private Host.Device.ExecutionDevice? Gpu => services.GetService(typeof(Host.Device.ExecutionDevice)) is Host.Device.ExecutionDevice { Gpu: not null } device ? device : null;

    private void Measure(TextWriter output, Variant[] variants, ILexicalEncoder[] encoders, double[] bindMs, int batch, int length, int repeat, Random random)
    {
        var states = Uniform(random, (long)batch * length * HiddenSize, 2f);
        var lengths = Filled(batch, length);
        var shape = new TensorShape(batch, length, HiddenSize);
        using var onDevice = Gpu?.Gpu!.Allocate(states.LongLength * sizeof(float));
        if (onDevice is not null)
        {
            Gpu!.Gpu!.Upload<float>(states, onDevice.Address);
        }
        var view = onDevice is null ? new TensorView<float>(states.AsMemory(), shape) : new TensorView<float>(onDevice.Address, shape, DeviceKind.Cuda);
        var vectors = new SparseVector[encoders.Length][];
        var wall = new List<double>[encoders.Length];
        var cpu = new List<double>[encoders.Length];
        var allocated = new long[encoders.Length];
        for (var h = 0; h < encoders.Length; h++)
        {
            vectors[h] = new SparseVector[batch];
            wall[h] = [];
            cpu[h] = [];
            encoders[h].Encode(new LexicalEncodeCall { Hidden = view, Lengths = lengths, Output = vectors[h] }); // warm-up: JIT tiers, thread pool, array pool
        }
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < repeat; i++)
        {
            for (var h = 0; h < encoders.Length; h++)
            {
                var bytes = GC.GetTotalAllocatedBytes(precise: true);
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                encoders[h].Encode(new LexicalEncodeCall { Hidden = view, Lengths = lengths, Output = vectors[h] });
                wall[h].Add(clock.Elapsed.TotalMilliseconds);
                process.Refresh();
                cpu[h].Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
                allocated[h] = Math.Max(allocated[h], GC.GetTotalAllocatedBytes(precise: true) - bytes);
            }
        }
        var peak = new long?[encoders.Length];
        for (var h = 0; h < encoders.Length; h++)
        {
            var resident = ResetPeakResident();
            encoders[h].Encode(new LexicalEncodeCall { Hidden = view, Lengths = lengths, Output = vectors[h] });
            peak[h] = resident is null ? null : PeakResident() - resident;
        }
        var c = CultureInfo.InvariantCulture;
        var flops = 2.0 * batch * length * Vocabulary * HiddenSize;
        var medianWall = new double[encoders.Length];
        var medianCpu = new double[encoders.Length];
        for (var h = 0; h < encoders.Length; h++)
        {
            medianWall[h] = Statistics.Median(wall[h]);
            medianCpu[h] = Statistics.Median(cpu[h]);
            output.WriteLine(string.Create(c,
                $"{batch,5} {length,6} {variants[h].Label,-10} {bindMs[h],9:F1} {medianWall[h],11:F1} ({flops / medianWall[h] / 1e6,6:F1}) {medianCpu[h],10:F1} " +
                $"{Bytes(allocated[h]),16} {Bytes(peak[h]),16}  {string.Join(", ", wall[h].Select(t => t.ToString("F1", c)))}"));
        }
        for (var pair = 0; pair + 1 < encoders.Length; pair += 2)
        {
            var (d, f) = (pair, pair + 1);
            output.WriteLine(string.Create(c,
                $"  {variants[f].Label} / {variants[d].Label}: wall {medianWall[f] / medianWall[d]:F3} ({medianWall[d] / medianWall[f]:F2}x faster), CPU {medianCpu[f] / medianCpu[d]:F3} " +
                $"({medianCpu[d] / medianCpu[f]:F2}x less), allocated {Ratio(allocated[f], allocated[d])}, peak RSS {Ratio(peak[f], peak[d])}"));
        }
        var maxima = 4L * batch * Vocabulary;
        var logits = 4L * batch * length * Vocabulary;
        output.WriteLine(string.Create(c,
            $"  per-call buffers by construction: dense logits + maxima {Bytes(logits + maxima)}, fused maxima {Bytes(maxima)} ({(double)(logits + maxima) / maxima:F0}x less; " +
            $"the maxima are pooled, so a warm call's peak RSS barely sees them); both hold packed W {Bytes(4L * Vocabulary * HiddenSize)} from Bind"));
        for (var pair = 0; pair + 1 < encoders.Length; pair += 2)
        {
            var (difference, sameTerms) = Compare(vectors[pair], vectors[pair + 1]);
            output.WriteLine(string.Create(c,
                $"  outputs {variants[pair].Label} vs {variants[pair + 1].Label}: max |Δw| = {difference:G3} (a term kept by one head only counts its weight); same kept terms in {sameTerms} of {batch} sequences"));
        }
        if (encoders.Length == 4)
        {
            var (difference, sameTerms) = Compare(vectors[1], vectors[3]);
            var (overlap, commonDifference) = KeptOverlap(vectors[1], vectors[3]);
            output.WriteLine(string.Create(c,
                $"  outputs fused vs fused/fp16: max |Δw| = {difference:G3}, over the terms both keep {commonDifference:G3}; same kept terms in {sameTerms} of {batch} sequences; " +
                $"kept terms in common {overlap:P2}"));
        }
    }

    /// <summary>
    /// Collects (returning free memory to the OS), then resets the process's peak resident memory to the current one,
    /// which it returns in bytes; null where the peak cannot be reset (Linux only: <c>/proc/self/clear_refs</c>).
    /// </summary>
    private static long? ResetPeakResident()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5"); // VmHWM := VmRSS
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return StatusKilobytes("VmRSS:") * 1024;
    }

    /// <summary>The peak resident memory since the last <see cref="ResetPeakResident"/>, in bytes.</summary>
    private static long? PeakResident() => StatusKilobytes("VmHWM:") * 1024;

    private static long? StatusKilobytes(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(field.Length).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }
        return null;
    }

    /// <summary>The largest absolute weight difference over all (sequence, term), and how many sequences kept the same terms.</summary>
    private static (double Difference, int SameTerms) Compare(SparseVector[] dense, SparseVector[] fused)
    {
        double worst = 0;
        var same = 0;
        for (var b = 0; b < dense.Length; b++)
        {
            var weights = new Dictionary<int, float>();
            for (var i = 0; i < dense[b].Count; i++)
            {
                weights[dense[b].Terms[i]] = dense[b].Weights[i];
            }
            var matched = 0;
            for (var i = 0; i < fused[b].Count; i++)
            {
                if (weights.Remove(fused[b].Terms[i], out var w))
                {
                    matched++;
                    worst = Math.Max(worst, Math.Abs(w - fused[b].Weights[i]));
                }
                else
                {
                    worst = Math.Max(worst, fused[b].Weights[i]);
                }
            }
            foreach (var w in weights.Values)
            {
                worst = Math.Max(worst, w);
            }
            if (weights.Count == 0 && matched == fused[b].Count)
            {
                same++;
            }
        }
        return (worst, same);
    }

    /// <summary>
    /// The share of <paramref name="reference"/>'s kept terms that <paramref name="other"/> keeps too, over all
    /// sequences, and the largest weight difference over those common terms.
    /// </summary>
    private static (double Share, double Difference) KeptOverlap(SparseVector[] reference, SparseVector[] other)
    {
        long kept = 0, common = 0;
        double worst = 0;
        for (var b = 0; b < reference.Length; b++)
        {
            var weights = new Dictionary<int, float>();
            for (var i = 0; i < other[b].Count; i++)
            {
                weights[other[b].Terms[i]] = other[b].Weights[i];
            }
            kept += reference[b].Count;
            for (var i = 0; i < reference[b].Count; i++)
            {
                if (weights.TryGetValue(reference[b].Terms[i], out var w))
                {
                    common++;
                    worst = Math.Max(worst, Math.Abs(w - reference[b].Weights[i]));
                }
            }
        }
        return (kept == 0 ? 1 : (double)common / kept, worst);
    }

    private static string Bytes(long? bytes) => bytes switch
    {
        null => "n/a",
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F2} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F1} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 10):F1} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    private static string Ratio(long? fused, long? dense) => fused is null || dense is null || dense <= 0
        ? "n/a"
        : string.Create(CultureInfo.InvariantCulture, $"{(double)fused / dense:F4} ({(double)dense / Math.Max(1, fused.Value):F0}x less)");

    private static float[] Uniform(Random random, long count, float scale)
    {
        var values = new float[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (random.NextSingle() * 2 - 1) * scale;
        }
        return values;
    }

    private static T[] Filled<T>(int count, T value)
    {
        var values = new T[count];
        Array.Fill(values, value);
        return values;
    }
}
