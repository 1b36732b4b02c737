using System.Diagnostics;
using System.Globalization;
using Sieve.Host.Cli;
using Sieve.Host.Device;
using Sieve.Plugins.Heads.Clustering;
using Sieve.Plugins.Heads.Clustering.Gpu;

namespace Sieve.Tools.Bench;

/// <summary>
/// <c>sieve bench kmeans</c>: one k-means assignment pass, Flash-KMeans' fused assignment (no N × K matrix) against the
/// materialised baseline (the N × K score matrix written with the same tiles and multiply into a reused buffer, then an
/// argmin per row), in the same
/// process on the same data; then the sort-based centroid update. The points are a Gaussian mixture: K centres
/// uniform in [−1, 1]^d, each point a centre plus N(0, 0.25²) noise; the centroids are K of the points. With
/// <c>Sieve:Device</c> cuda the GPU's fused kernel runs too (its time includes uploading the centroids and downloading
/// the N results; the points are uploaded once, outside the timing). The PyTorch peer (torch.cdist + argmin) is
/// bench/kmeans_torch.py. Not thread-safe.
/// </summary>
internal sealed class KMeansBenchmark(CommandLine commandLine, ExecutionDevice device)
{
    public void Run(TextWriter output, CancellationToken cancellation)
    {
        var shapes = (commandLine.Value<string[]>("--shapes") ?? []).Select(Parse).ToList();
        var repeat = commandLine.Value<int>("--repeat");
        var c = CultureInfo.InvariantCulture;
        output.WriteLine($"kmeans assignment: fused (Flash-KMeans) vs materialised N×K scores + argmin, same multiply; {repeat} alternating runs after a warm-up (median)");
        output.WriteLine($"machine: {MachineDescription.Describe()}; device: {device.Gpu?.Name ?? "cpu"}");
        output.WriteLine("      N      K     d   fused ms (GFLOP/s)   materialised ms (GFLOP/s)  matrix MiB  speed-up  same nearest   update ms   gpu fused ms");
        foreach (var (n, k, d) in shapes)
        {
            if (cancellation.IsCancellationRequested)
            {
                break;
            }
            var points = Mixture(n, k, d, 20261208);
            var centroids = FlashKMeans.InitialCentroids(points, n, d, k, 7);
            // The baseline writes into one reused matrix, as a GEMM into its workspace: allocation and page faults are not counted.
            var matrix = new float[(long)n * k];
            FusedAssignment.Assign(points, n, centroids, k, d);
            MaterializedAssignment.Assign(points, n, centroids, k, d, matrix);
            var (fused, materialised) = (new List<double>(), new List<double>());
            PointAssignment? a = null, b = null;
            for (var r = 0; r < repeat; r++)
            {
                var clock = Stopwatch.StartNew();
                a = FusedAssignment.Assign(points, n, centroids, k, d);
                fused.Add(clock.Elapsed.TotalMilliseconds);
                clock.Restart();
                b = MaterializedAssignment.Assign(points, n, centroids, k, d, matrix);
                materialised.Add(clock.Elapsed.TotalMilliseconds);
            }
            var same = a!.Nearest.AsSpan().SequenceEqual(b!.Nearest);
            var (members, offsets) = SortedCentroidUpdate.Group(a.Nearest, k);
            var update = Stopwatch.StartNew();
            SortedCentroidUpdate.Update(points, d, members, offsets, (float[])centroids.Clone());
            var updateMs = update.Elapsed.TotalMilliseconds;
            var gpu = device.Gpu is { } g ? Gpu(new GpuFlashKMeans(g), points, n, centroids, k, d, repeat).ToString("F2", c) : "-";
            var flops = 2.0 * n * k * d;
            var (f, m) = (Statistics.Median(fused), Statistics.Median(materialised));
            output.WriteLine(string.Create(c,
                $"{n,7} {k,6} {d,5}  {f,9:F1} ({flops / f / 1e6,6:F1})   {m,14:F1} ({flops / m / 1e6,6:F1})   {4.0 * n * k / (1 << 20),9:F0}   {m / f,6:F2}×  {(same ? "yes" : "NO"),11}  {updateMs,10:F1}   {gpu,12}"));
        }
    }

    private static double Gpu(GpuFlashKMeans gpu, float[] points, int n, float[] centroids, int k, int d, int repeat)
    {
        gpu.Assign(points, n, centroids, k, d);
        var times = new List<double>();
        for (var r = 0; r < repeat; r++)
        {
            var clock = Stopwatch.StartNew();
            gpu.Assign(points, n, centroids, k, d);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return Statistics.Median(times);
    }

    /// <summary>N points around K centres uniform in [−1, 1]^d, noise N(0, 0.25²); filled in parallel chunks with their own seeds.</summary>
    public static float[] Mixture(int n, int k, int d, int seed)
    {
        var random = new Random(seed);
        var centres = new float[k * d];
        for (var i = 0; i < centres.Length; i++)
        {
            centres[i] = (float)(random.NextDouble() * 2 - 1);
        }
        var points = new float[(long)n * d];
        const int Chunk = 4096;
        Parallel.For(0, (n + Chunk - 1) / Chunk, chunk =>
        {
            var local = new Random(seed + 1 + chunk);
            for (var i = chunk * Chunk; i < Math.Min(n, (chunk + 1) * Chunk); i++)
            {
                var centre = local.Next(k);
                for (var j = 0; j < d; j++)
                {
                    points[(long)i * d + j] = centres[centre * d + j] + 0.25f * Gaussian(local);
                }
            }
        });
        return points;
    }

    public static float Gaussian(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

    private static (int N, int K, int D) Parse(string shape)
    {
        var parts = shape.Split('x');
        if (parts.Length != 3 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var n) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var k)
            || !int.TryParse(parts[2], CultureInfo.InvariantCulture, out var d) || n < 1 || k < 1 || d < 1 || k > n)
        {
            throw new SieveException($"--shapes {shape}: expected NxKxD with 1 ≤ K ≤ N (e.g. 65536x256x128).");
        }
        return (n, k, d);
    }
}
