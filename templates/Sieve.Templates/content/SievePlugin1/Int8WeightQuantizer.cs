using System.Buffers;
using System.Numerics.Tensors;
using Sieve.Abstractions;
using Sieve.Kernels;

namespace SievePlugin1;

/// <summary>
/// <c>weight-quant/int8</c>: symmetric int8 weights with one float scale per column (a quarter of float32's memory).
/// The host's weight-quant pass replaces every <c>MatMul(X, W)</c> with a constant float W by a node that calls
/// <see cref="IQuantizedMatrix.Multiply"/> on the matrix made here at load. CPU only. Thread-safe.
/// </summary>
public sealed class Int8WeightQuantizer(Int8WeightQuantizerOptions options) : IWeightQuantizer
{
    public string? CheckSupport(TensorShape weight, DeviceKind device)
    {
        ArgumentNullException.ThrowIfNull(weight);
        return weight.ElementCount < options.MinimumElements
            ? $"{weight.ElementCount} elements are fewer than MinimumElements {options.MinimumElements}"
            : null;
    }

    public IQuantizedMatrix Quantize(TensorView<float> weight)
    {
        var (rows, columns) = ((int)weight.Shape[0], (int)weight.Shape[1]);
        var values = weight.Span;
        var scales = new float[columns];
        for (var r = 0; r < rows; r++)
        {
            TensorPrimitives.MaxMagnitude(scales, values.Slice(r * columns, columns), scales);
        }
        for (var c = 0; c < columns; c++)
        {
            scales[c] = scales[c] == 0 ? 1 : Math.Abs(scales[c]) / 127;
        }
        var quantized = new sbyte[rows * columns];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                quantized[r * columns + c] = (sbyte)Math.Round(values[r * columns + c] / scales[c]);
            }
        }
        return new Int8Matrix(quantized, scales, weight.Shape);
    }

    /// <summary>W ≈ q · diag(scales); X · W = (X · q) · diag(scales).</summary>
    private sealed class Int8Matrix(sbyte[] quantized, float[] scales, TensorShape shape) : IQuantizedMatrix
    {
        public TensorShape Shape => shape;

        public long Bytes => quantized.LongLength + scales.LongLength * sizeof(float);

        public void Multiply(in MatMulCall product)
        {
            if (product.Input.Device != DeviceKind.Cpu)
            {
                throw new NotSupportedException($"weight-quant/int8 has no {product.Input.Device} kernel.");
            }
            var (rows, columns) = ((int)shape[0], (int)shape[1]);
            var input = product.Input.Memory;
            var output = product.Output.Memory;
            // ParallelWork (Sieve.Kernels) runs on ONNX Runtime's intra-op threads when called from a model.
            ParallelWork.For((int)product.Input.Shape[0], i =>
            {
                var x = input.Span.Slice(i * rows, rows);
                var y = output.Span.Slice(i * columns, columns);
                var row = ArrayPool<float>.Shared.Rent(columns);
                try
                {
                    var w = row.AsSpan(0, columns);
                    y.Clear();
                    for (var k = 0; k < rows; k++)
                    {
                        TensorPrimitives.ConvertTruncating<sbyte, float>(quantized.AsSpan(k * columns, columns), w);
                        TensorPrimitives.MultiplyAdd(w, x[k], y, y);
                    }
                    TensorPrimitives.Multiply(y, scales, y);
                }
                finally
                {
                    ArrayPool<float>.Shared.Return(row);
                }
            });
        }
    }
}
