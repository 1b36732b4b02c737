using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Sieve.Abstractions;
using Sieve.Host.Cli;
using Sieve.Host.Device;
using Sieve.Host.Onnx;
using Sieve.Host.Onnx.Proto;
using Sieve.Kernels;
using Sieve.Plugins.Quantization;
using Sieve.Plugins.Quantization.Gpu;

namespace Sieve.Tools.Bench;

/// <summary>
/// <c>sieve bench quantized-matmul</c>: Y [m, N] = X [m, K] · W at LLaMA-7B-like shapes with random weights quantized by
/// the same code as <c>sieve quantize</c> (dense-and-sparse, default sparse fractions), µs per call for our 3/4-bit kernel
/// and for ONNX Runtime's MatMul (the cuBLAS peer on CUDA: fp16 and fp32; on the CPU: fp32, plus our fp32 C# GEMV),
/// and the bandwidth achieved on the bytes each call reads (weights + X + Y). Each timing cycles through enough copies
/// of the operands to exceed twice the GPU's L2 (<c>--rotate-bytes</c>), many calls back to back between two
/// synchronizations. ORT is timed per Run (wall clock; Run waits for its stream), so its numbers include ORT's per-run cost.
/// </summary>
internal sealed class QuantizedMatMulBenchmark(CommandLine commandLine, ExecutionDevice device)
{
    public void Run(TextWriter output, CancellationToken cancellation)
    {
        var shapes = commandLine.Value<string[]>("--shapes").Select(ParseShape).ToList();
        var batches = commandLine.Value<List<int>>("--batches");
        var bitsList = commandLine.Value<List<int>>("--bits");
        var calls = commandLine.Value<int>("--calls");
        var rotateBytes = (long)(commandLine.Value<double>("--rotate-mb") * 1024 * 1024);
        output.WriteLine($"quantized-matmul on {device.Description}; {Environment.ProcessorCount} logical cores; {calls} calls per timing, operands rotated over ≥ {rotateBytes / (1 << 20)} MiB; median of 5");
        output.WriteLine($"{"K×N",-12} {"m",3} {"kernel",-22} {"µs/call",10} {"GB/s",8} {"bytes/call",12}");
        foreach (var (k, n) in shapes)
        {
            var weight = RandomMatrix(k, n);
            foreach (var bits in bitsList)
            {
                var clock = Stopwatch.StartNew();
                var matrix = DenseSparseQuantizer.Quantize($"w{k}x{n}", weight, k, n, WeightSensitivity.Uniform, new QuantizationSettings(bits));
                output.WriteLine($"# {k}×{n} {bits}-bit: {matrix.Bytes:N0} bytes ({matrix.Bytes * 8.0 / ((long)k * n):F2} bits/weight), {matrix.SparseCount} sparse, quantized in {clock.Elapsed.TotalSeconds:F1} s");
                foreach (var m in batches)
                {
                    if (cancellation.IsCancellationRequested)
                    {
                        return;
                    }
                    var bytes = matrix.Bytes + (long)m * (k + n) * 4;
                    var us = device.Gpu is { } gpu ? OursOnGpu(gpu, matrix, m, calls, rotateBytes) : OursOnCpu(matrix, m, calls);
                    Row(output, k, n, m, $"dense-sparse {bits}-bit", us, bytes);
                }
            }
            foreach (var m in batches)
            {
                if (device.Gpu is null)
                {
                    Row(output, k, n, m, "C# fp32 GEMV", DenseOnCpu(weight, k, n, m, calls), (long)k * n * 4 + (long)m * (k + n) * 4);
                }
                foreach (var half in device.Gpu is null ? new[] { false } : [true, false])
                {
                    var elementBytes = half ? 2 : 4;
                    Row(output, k, n, m, $"ORT MatMul {(half ? "fp16" : "fp32")}", OrtMatMul(weight, k, n, m, half, calls, rotateBytes),
                        (long)k * n * elementBytes + (long)m * (k + n) * elementBytes);
                }
            }
        }
    }

    private static void Row(TextWriter output, int k, int n, int m, string kernel, double microseconds, long bytes) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{$"{k}×{n}",-12} {m,3} {kernel,-22} {microseconds,10:F1} {bytes / microseconds / 1e3,8:F1} {bytes,12:N0}"));

    private static double OursOnCpu(DenseSparseMatrix matrix, int m, int calls)
    {
        var x = RandomMatrix(m, matrix.InputSize);
        var y = new float[m * matrix.OutputSize];
        return Median(() => DenseSparseCpuKernel.Multiply(matrix, x, m, y), calls, () => { });
    }

    private static double DenseOnCpu(float[] weight, int k, int n, int m, int calls)
    {
        var x = RandomMatrix(m, k);
        var y = new float[m * n];
        return Median(() => ParallelWork.For(m, r =>
        {
            var row = y.AsSpan(r * n, n);
            row.Clear();
            for (var i = 0; i < k; i++)
            {
                TensorPrimitives.MultiplyAdd(weight.AsSpan(i * n, n), x[r * k + i], row, row);
            }
        }), calls, () => { });
    }

    private static double OursOnGpu(Sieve.Cuda.CudaGpuDevice gpu, DenseSparseMatrix matrix, int m, int calls, long rotateBytes)
    {
        var kernels = new GpuDenseSparseMatMul(gpu);
        var copies = (int)Math.Clamp((rotateBytes + matrix.Bytes - 1) / matrix.Bytes, 1, 512);
        var onDevice = Enumerable.Range(0, copies).Select(_ => new DeviceDenseSparseMatrix(gpu, matrix)).ToList();
        var x = RandomMatrix(m, matrix.InputSize);
        using var input = gpu.Allocate((long)x.Length * 4);
        gpu.Upload<float>(x, input.Address);
        using var result = gpu.Allocate((long)m * matrix.OutputSize * 4);
        try
        {
            var next = 0;
            var us = Median(() => kernels.Multiply(onDevice[next++ % copies], input.Address, m, result.Address), calls, gpu.Synchronize);
            // Check one product against the CPU kernel.
            var expected = new float[m * matrix.OutputSize];
            DenseSparseCpuKernel.Multiply(matrix, x, m, expected);
            var actual = new float[expected.Length];
            gpu.Download(result.Address, actual.AsSpan());
            var worst = actual.Select((v, i) => Math.Abs(v - expected[i]) / (1 + Math.Abs(expected[i]))).Max();
            if (worst > 1e-3)
            {
                throw new SieveException($"the GPU dense-and-sparse product differs from the CPU kernel's by {worst} (relative)");
            }
            return us;
        }
        finally
        {
            onDevice.ForEach(d => d.Dispose());
        }
    }

    /// <summary>ORT's MatMul(X, W) with W an input bound to one of several copies (rotated), on the session's provider.</summary>
    private double OrtMatMul(float[] weight, int k, int n, int m, bool half, int calls, long rotateBytes)
    {
        var type = half ? TensorProto.Types.DataType.Float16 : TensorProto.Types.DataType.Float;
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "matmul" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        model.Graph.Node.Add(new NodeProto { OpType = "MatMul", Name = "mm", Input = { "X", "W" }, Output = { "Y" } });
        model.Graph.Input.Add(Value("X", type, m, k));
        model.Graph.Input.Add(Value("W", type, k, n));
        model.Graph.Output.Add(Value("Y", type, m, n));
        using var session = OnnxSessionFactory.Create(model.ToByteArray(), "quantized-matmul peer", "bench", device, _ => { });
        var elementType = half ? Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float16 : Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float;
        var elementBytes = half ? 2 : 4;
        var copies = (int)Math.Clamp((rotateBytes + (long)k * n * elementBytes - 1) / ((long)k * n * elementBytes), 1, 256);
        var values = new List<OrtValue>();
        var buffers = new List<IDisposable>();
        try
        {
            OrtValue Tensor(float[] data, long[] shape)
            {
                if (device.Gpu is { } gpu)
                {
                    var bytes = data.LongLength * elementBytes;
                    var buffer = gpu.Allocate(bytes);
                    buffers.Add(buffer);
                    if (half)
                    {
                        gpu.Upload<Half>(Array.ConvertAll(data, v => (Half)v), buffer.Address);
                    }
                    else
                    {
                        gpu.Upload<float>(data, buffer.Address);
                    }
                    var value = OrtValue.CreateTensorValueWithData(new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, 0, OrtMemType.Default),
                        elementType, shape, (nint)buffer.Address.Value, bytes);
                    values.Add(value);
                    return value;
                }
                var host = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, data.AsMemory(), shape);
                values.Add(host);
                return host;
            }
            var x = Tensor(RandomMatrix(m, k), [m, k]);
            var y = Tensor(new float[m * n], [m, n]);
            var ws = Enumerable.Range(0, device.Gpu is null ? 1 : copies).Select(_ => Tensor(weight, [k, n])).ToList();
            using var binding = session.CreateIoBinding();
            using var runOptions = new RunOptions();
            binding.BindInput("X", x);
            binding.BindOutput("Y", y);
            var next = 0;
            return Median(() =>
            {
                binding.BindInput("W", ws[next++ % ws.Count]);
                session.RunWithBinding(runOptions, binding);
            }, calls, () => { });
        }
        finally
        {
            values.ForEach(v => v.Dispose());
            buffers.ForEach(b => b.Dispose());
        }
    }

    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    /// <summary>Median µs per call over 5 timings of <paramref name="calls"/> back-to-back calls (after a warm-up timing).</summary>
    private static double Median(Action call, int calls, Action synchronize)
    {
        var times = new List<double>();
        for (var repeat = 0; repeat < 6; repeat++)
        {
            synchronize();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++)
            {
                call();
            }
            synchronize();
            if (repeat > 0)
            {
                times.Add(clock.Elapsed.TotalMicroseconds / calls);
            }
        }
        return Statistics.Median(times);
    }

    private static float[] RandomMatrix(int rows, int columns)
    {
        var random = new Random(rows * 31 + columns);
        var values = new float[(long)rows * columns];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()) * 0.02);
        }
        return values;
    }

    private static (int K, int N) ParseShape(string text)
    {
        var parts = text.Split('x', 'X', '×');
        return parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var k) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var n) && k > 0 && n > 0
            ? (k, n) : throw new SieveException($"--shapes {text}: expected KxN, e.g. 4096x11008.");
    }
}
