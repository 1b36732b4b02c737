using System.Globalization;
using System.Numerics.Tensors;
using System.Text.Json;
using Sieve.Abstractions;
using Sieve.Host.Cli;
using Sieve.Host.Device;
using Sieve.Cuda;
using Sieve.Host.Operators;
using Sieve.Host.Plugins;
using Sieve.Kernels;
using Sieve.Kernels.Gpu;

namespace Sieve.Tools.Bench;

/// <summary>
/// <c>sieve bench gpu-attention</c>: the attention kernels on the GPU at long contexts (batch 1, causal, 32 query heads
/// over 8 key/value heads, head size 128 by default): <c>attention/dense</c> fp32, the fp16 tensor-core kernel, and
/// <c>attention/block-sparse</c>, timed with CUDA events on the device's stream (median after a warm-up), with the
/// block-sparse output compared with the dense fp32 output (cosine). Inputs are made on the GPU with decaying
/// positional similarity (<see cref="BenchDataKernels"/>). Peers (PyTorch SDPA) are timed by bench/sdpa_baseline.py in
/// the same device call. Writes a table and, with <c>--json FILE</c>, the raw numbers.
/// </summary>
internal sealed class GpuAttentionBenchmark(CommandLine commandLine, ExecutionDevice device, PluginCatalog plugins, IServiceProvider services)
{
    private const int QueryHeads = 32, KeyValueHeads = 8;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public void Run(TextWriter output, CancellationToken cancellation)
    {
        var gpu = device.Gpu ?? throw new SieveException("sieve bench gpu-attention needs a GPU: set Sieve:Device to cuda (--set Sieve:Device=cuda).");
        var lengths = commandLine.Value<List<int>>("--lengths");
        var headSize = commandLine.Value<int>("--head-size");
        // 1.5: an oracle keeping the 16 heaviest key blocks of 64 holds ~98% of a query's attention at 16K (numpy check,
        // docs/cuda.md); 1.0 spreads attention far wider (~35%).
        var amplitude = (float)commandLine.Value<double>("--amplitude");
        var variants = commandLine.Value<string[]>("--kernels");
        // compressed-tile: the selection the GPU kernels run (the per-query selections are CPU-only for now).
        var sparseOptions = new Dictionary<string, string>
        {
            ["DenseBelow"] = "0", ["TopKBlocks"] = commandLine.Value<int>("--top-k-blocks").ToString(CultureInfo.InvariantCulture), ["Selection"] = "compressed-tile",
        };
        var dense = OperatorBinder.Standalone<IAttention>(plugins, "dense").Create<IAttention>(services);
        var sparse = SparseOrNull(variants, "block-sparse", sparseOptions);
        var sparseHalfScores = SparseOrNull(variants, "block-sparse-fp16-scores", new Dictionary<string, string>(sparseOptions) { ["ScorePrecision"] = "fp16" });
        var half = new GpuDenseAttentionHalf(gpu);
        var general = new GpuDenseAttention(gpu);
        var data = new BenchData(gpu);
        var results = new List<Dictionary<string, object>>();
        output.WriteLine($"GPU attention on {device.Description}: batch 1, causal, {QueryHeads} query heads over {KeyValueHeads} KV heads, head size {headSize}; " +
            "CUDA events, median");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"inputs: positional cosine features shared by queries and keys, amplitude {amplitude}, " +
            $"noise 0.5 (BenchDataKernels.Fill); block-sparse: {string.Join(", ", sparseOptions.Select(o => $"{o.Key} {o.Value}"))}, block 64, first block + window 1, compression 32/16"));
        output.WriteLine($"{"kernel",-14} {"length",8} {"ms",10} {"TFLOP/s",9} {"runs",5}  notes");
        foreach (var length in lengths)
        {
            if (cancellation.IsCancellationRequested)
            {
                break;
            }
            var dims = new AttentionDims(1, QueryHeads, KeyValueHeads, length, length, headSize);
            var flops = 4.0 * length * (double)length * headSize * QueryHeads / 2;
            var scale = 1f / MathF.Sqrt(headSize);
            var shape = new AttentionShape(QueryHeads, KeyValueHeads, headSize, scale, true, 0) { Device = DeviceKind.Cuda };
            var qShape = new TensorShape(1, QueryHeads, length, headSize);
            var kvShape = new TensorShape(1, KeyValueHeads, length, headSize);
            using var q = gpu.Allocate(qShape.ElementCount * 4);
            using var k = gpu.Allocate(kvShape.ElementCount * 4);
            using var v = gpu.Allocate(kvShape.ElementCount * 4);
            using var denseOut = gpu.Allocate(qShape.ElementCount * 4);
            using var bounds = gpu.Allocate(8);
            data.Fill(q.Address, QueryHeads, length, headSize, 1, 7, QueryHeads / KeyValueHeads, amplitude, 0.5f);
            data.Fill(k.Address, KeyValueHeads, length, headSize, 2, 7, 1, amplitude, 0.5f);
            data.Fill(v.Address, KeyValueHeads, length, headSize, 3, 7, 1, 0f, 1f);
            gpu.Upload<int>([0, length], bounds.Address);
            var endsAddress = new DeviceAddress(bounds.Address.Value + 4);
            TensorView<float> View(IGpuBuffer b, TensorShape s) => new(b.Address, s, DeviceKind.Cuda);
            TensorView<int> Bound(DeviceAddress address) => new(address, new TensorShape(1), DeviceKind.Cuda);
            var runs = length <= 16384 ? 10 : length <= 65536 ? 2 : 1;
            double? denseMs = null;
            if (variants.Contains("dense-fp32") || sparse is not null || sparseHalfScores is not null)
            {
                denseMs = Time(gpu, runs, length <= 16384, () => dense.Compute(new AttentionCall
                {
                    Shape = shape, Query = View(q, qShape), Key = View(k, kvShape), Value = View(v, kvShape), KeyStarts = Bound(bounds.Address), KeyEnds = Bound(endsAddress),
                    Output = View(denseOut, qShape), Context = new OperatorRunContext(DeviceKind.Cuda),
                }), out var all);
                Report(output, results, "dense-fp32", length, denseMs.Value, flops, all, "");
            }
            if (variants.Contains("dense-fp32-general"))
            {
                using var generalOut = gpu.Allocate(qShape.ElementCount * 4);
                var ms = Time(gpu, runs, length <= 16384, () => general.Compute(dims, scale, true, q.Address, k.Address, v.Address, generalOut.Address,
                    bounds.Address, endsAddress), out var all);
                Report(output, results, "dense-fp32-general", length, ms, flops, all,
                    denseMs is null ? "" : Compare(gpu, generalOut.Address, denseOut.Address, qShape.ElementCount, headSize, "vs dense fp32"));
            }
            if (variants.Contains("dense-fp16"))
            {
                var problem = GpuDenseAttentionHalf.Unsupported(dims);
                if (problem is null)
                {
                    using var qh = gpu.Allocate(qShape.ElementCount * 2);
                    using var kh = gpu.Allocate(kvShape.ElementCount * 2);
                    using var vh = gpu.Allocate(kvShape.ElementCount * 2);
                    using var oh = gpu.Allocate(qShape.ElementCount * 2);
                    data.ToHalf(q.Address, qh.Address, qShape.ElementCount);
                    data.ToHalf(k.Address, kh.Address, kvShape.ElementCount);
                    data.ToHalf(v.Address, vh.Address, kvShape.ElementCount);
                    var ms = Time(gpu, length <= 16384 ? 20 : 5, true, () => half.Compute(dims, scale, true, qh.Address, kh.Address, vh.Address, oh.Address), out var all);
                    var note = "";
                    if (denseMs is not null)
                    {
                        using var back = gpu.Allocate(qShape.ElementCount * 4);
                        data.FromHalf(oh.Address, back.Address, qShape.ElementCount);
                        note = Compare(gpu, back.Address, denseOut.Address, qShape.ElementCount, headSize, "vs dense fp32");
                    }
                    Report(output, results, "dense-fp16", length, ms, flops, all, note);
                }
                else
                {
                    output.WriteLine($"{"dense-fp16",-14} {length,8}  skipped: {problem}");
                }
            }
            foreach (var (name, attention) in new[] { ("block-sparse", sparse), ("block-sparse-fp16-scores", sparseHalfScores) })
            {
                if (attention is null)
                {
                    continue;
                }
                using var sparseOut = gpu.Allocate(qShape.ElementCount * 4);
                var ms = Time(gpu, length <= 16384 ? 10 : 3, true, () => attention.Compute(new AttentionCall
                {
                    Shape = shape, Query = View(q, qShape), Key = View(k, kvShape), Value = View(v, kvShape), KeyStarts = Bound(bounds.Address), KeyEnds = Bound(endsAddress),
                    Output = View(sparseOut, qShape), Context = new OperatorRunContext(DeviceKind.Cuda),
                }), out var all);
                Report(output, results, name, length, ms, flops, all,
                    Compare(gpu, sparseOut.Address, denseOut.Address, qShape.ElementCount, headSize, "vs dense fp32") +
                    string.Create(CultureInfo.InvariantCulture, $"; {denseMs / ms:F2}x dense fp32"));
            }
        }
        (sparse as IDisposable)?.Dispose();
        (sparseHalfScores as IDisposable)?.Dispose();
        output.WriteLine("first-launch costs (kernel load):");
        foreach (var load in gpu.LoadReport)
        {
            output.WriteLine("  " + load);
        }
        if (commandLine.Value<string?>("--json") is { } json)
        {
            File.WriteAllText(json, JsonSerializer.Serialize(new { device = device.Description, results }, Indented));
        }
    }

    private IAttention? SparseOrNull(string[] variants, string variant, Dictionary<string, string> options) =>
        variants.Contains(variant) && OperatorBinder.Has<IAttention>(plugins, "block-sparse")
            ? OperatorBinder.Standalone<IAttention>(plugins, "block-sparse", options).Create<IAttention>(services)
            : null;

    /// <summary>Median GPU milliseconds of <paramref name="runs"/> calls (after one warm-up call when asked).</summary>
    private static double Time(CudaGpuDevice gpu, int runs, bool warmUp, Action call, out List<double> all)
    {
        if (warmUp)
        {
            call();
            gpu.Synchronize();
        }
        all = [];
        for (var i = 0; i < runs; i++)
        {
            using var timer = gpu.StartTimer();
            call();
            all.Add(timer.Stop());
        }
        return Statistics.Median(all);
    }

    /// <summary>Cosine of the whole outputs, and the mean and minimum cosine over rows (one query of one head).</summary>
    private static string Compare(CudaGpuDevice gpu, DeviceAddress actual, DeviceAddress expected, long count, int headSize, string label)
    {
        const int Chunk = 1 << 24;
        var a = new float[Math.Min(Chunk, count)];
        var e = new float[a.Length];
        double dot = 0, normA = 0, normE = 0, rowSum = 0, rowMin = 1, maxDelta = 0;
        long rows = 0;
        for (long offset = 0; offset < count; offset += Chunk)
        {
            var n = (int)Math.Min(Chunk, count - offset);
            gpu.Download(new DeviceAddress(actual.Value + (ulong)(offset * 4)), a.AsSpan(0, n));
            gpu.Download(new DeviceAddress(expected.Value + (ulong)(offset * 4)), e.AsSpan(0, n));
            for (var r = 0; r + headSize <= n; r += headSize)
            {
                var x = a.AsSpan(r, headSize);
                var y = e.AsSpan(r, headSize);
                var xy = TensorPrimitives.Dot(x, y);
                var xx = TensorPrimitives.Dot(x, x);
                var yy = TensorPrimitives.Dot(y, y);
                dot += xy;
                normA += xx;
                normE += yy;
                var cosine = xx == 0 || yy == 0 ? (xx == yy ? 1 : 0) : xy / Math.Sqrt((double)xx * yy);
                rowSum += cosine;
                rowMin = Math.Min(rowMin, cosine);
                rows++;
            }
            TensorPrimitives.Subtract(a.AsSpan(0, n), e.AsSpan(0, n), a.AsSpan(0, n));
            maxDelta = Math.Max(maxDelta, TensorPrimitives.MaxMagnitude(a.AsSpan(0, n)));
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"{label}: cosine {dot / Math.Sqrt(normA * normE):F5}, rows mean {rowSum / rows:F5} min {rowMin:F4}, max |Δ| {maxDelta:G3}");
    }

    private static void Report(TextWriter output, List<Dictionary<string, object>> results, string kernel, int length, double ms, double flops, List<double> all, string note)
    {
        var tflops = flops / (ms * 1e-3) / 1e12;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kernel,-14} {length,8} {ms,10:F3} {tflops,9:F1} {all.Count,5}  {note}"));
        output.Flush();
        results.Add(new Dictionary<string, object> { ["kernel"] = kernel, ["length"] = length, ["ms"] = ms, ["tflops"] = tflops, ["runs"] = all, ["note"] = note });
    }
}
