using System.Diagnostics;
using System.Globalization;
using Sieve.Abstractions;
using Sieve.Host.Cli;
using Sieve.Host.Operators;
using Sieve.Host.Onnx.Passes.Attention;
using Sieve.Host.Plugins;

namespace Sieve.Tools.Bench;

/// <summary>
/// Kernel time of <c>attention/dense</c> against <c>attention/block-sparse</c> (when its plugin is found) on random
/// data, batch 1 (or --batch-size B), at several lengths and head sizes, in one process. Each point: one warm-up, then runs until a second
/// has passed (at least one, at most 9); the median is reported.
/// </summary>
internal sealed class AttentionKernelBenchmark(CommandLine commandLine, PluginCatalog plugins)
{
    public void Run(TextWriter output, CancellationToken cancellation)
    {
        var lengths = commandLine.Value<List<int>>("--lengths");
        var headSizes = commandLine.Value<List<int>>("--head-sizes");
        var heads = commandLine.Value<int>("--heads");
        var batch = commandLine.Value<int>("--batch-size");
        var density = commandLine.Value<double>("--density");
        var dense = new DenseAttention(new DenseAttentionOptions());
        var sparse = SparseOrNull(density);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"attention kernels, batch {batch}, {heads} heads, random N(0,1) data, fp32; block-sparse: {(sparse is null ? "plugin not found" : $"density {density}, block 64, first block + window 1, compression 32/16")}"));
        output.WriteLine($"machine: {MachineDescription.Describe()}");
        output.WriteLine("length  head  dense ms (GFLOP/s)      block-sparse ms   speedup");
        // Warm up both paths (JIT tiers, thread pool) before the first timed point.
        var warmShape = new AttentionShape(heads, heads, 64, 0.125f, false, 0);
        Time(dense, warmShape, RandomInputs(1, heads, 1024, 64), 1, heads, 1024, 64);
        if (sparse is not null)
        {
            Time(sparse, warmShape, RandomInputs(1, heads, 1024, 64), 1, heads, 1024, 64);
        }
        foreach (var length in lengths)
        {
            foreach (var headSize in headSizes)
            {
                if (cancellation.IsCancellationRequested)
                {
                    return;
                }
                var shape = new AttentionShape(heads, heads, headSize, 1f / MathF.Sqrt(headSize), false, 0);
                var data = RandomInputs(batch, heads, length, headSize);
                var denseMs = Time(dense, shape, data, batch, heads, length, headSize);
                var flops = 4.0 * batch * heads * length * (double)length * headSize;
                var sparseMs = sparse is null ? double.NaN : Time(sparse, shape, data, batch, heads, length, headSize);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{length,6}  {headSize,4}  {denseMs,10:F2} ({flops / denseMs / 1e6,6:F1})   {sparseMs,12:F2}   {denseMs / sparseMs,6:F2}x"));
            }
        }
    }

    private IAttention? SparseOrNull(double density)
    {
        if (!OperatorBinder.Has<IAttention>(plugins, "block-sparse"))
        {
            return null;
        }
        var options = new Dictionary<string, string>
        {
            ["Density"] = density.ToString(CultureInfo.InvariantCulture),
            ["DenseBelow"] = "0",
            // The selection of the earlier records (and of the GPU kernels): one choice per tile of 64 queries.
            ["Selection"] = "compressed-tile",
        };
        return OperatorBinder.Standalone<IAttention>(plugins, "block-sparse", options).Create<IAttention>(EmptyServices.Instance);
    }

    private static float[][] RandomInputs(int batch, int heads, int length, int headSize)
    {
        var random = new Random(1234);
        var count = batch * heads * length * headSize;
        float[] Next()
        {
            var values = new float[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            }
            return values;
        }
        return [Next(), Next(), Next(), new float[count]];
    }

    private static double Time(IAttention attention, AttentionShape shape, float[][] data, int batch, int heads, int length, int headSize)
    {
        var tensorShape = new TensorShape(batch, heads, length, headSize);
        var lengths = Enumerable.Repeat(length, batch).ToArray();
        var starts = new int[batch];
        void Once() => attention.Compute(new AttentionCall
        {
            Shape = shape,
            Query = new TensorView<float>(data[0].AsMemory(), tensorShape),
            Key = new TensorView<float>(data[1].AsMemory(), tensorShape),
            Value = new TensorView<float>(data[2].AsMemory(), tensorShape),
            KeyStarts = new TensorView<int>(starts.AsMemory(), new TensorShape(batch)),
            KeyEnds = new TensorView<int>(lengths.AsMemory(), new TensorShape(batch)),
            Output = new TensorView<float>(data[3].AsMemory(), tensorShape),
            Context = new OperatorRunContext(DeviceKind.Cpu),
        });
        var clock = Stopwatch.StartNew();
        Once();
        while (clock.Elapsed.TotalMilliseconds < 300)
        {
            Once(); // short sizes: let tiered compilation settle before timing
        }
        var times = new List<double>();
        if (clock.Elapsed.TotalSeconds > 5)
        {
            return clock.Elapsed.TotalMilliseconds; // one run is all the budget allows at this size
        }
        var total = Stopwatch.StartNew();
        while (times.Count < 9 && (times.Count == 0 || total.Elapsed.TotalSeconds < 1))
        {
            clock.Restart();
            Once();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
