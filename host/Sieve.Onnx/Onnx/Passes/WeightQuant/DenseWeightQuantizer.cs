using System.Numerics.Tensors;
using Sieve.Abstractions;
using Sieve.Kernels;

namespace Sieve.Host.Onnx.Passes.WeightQuant;

/// <summary>
/// <c>weight-quant/dense</c>, the reference: keeps the weight in float32 and multiplies exactly (rows of the input in
/// parallel, each output row a sum of weight rows scaled by the input, with <see cref="TensorPrimitives"/>). Turning
/// quantization on with it changes only the summation order against ONNX Runtime's MatMul. CPU kernel only: on a CUDA
/// session ONNX Runtime runs the node on the CPU with copies. Thread-safe.
/// </summary>
internal sealed class DenseWeightQuantizer : IWeightQuantizer
{
    public const string Name = "dense";

    public string? CheckSupport(TensorShape weight, DeviceKind device) => null;

    public IQuantizedMatrix Quantize(TensorView<float> weight) => new DenseMatrix(weight.Span.ToArray(), weight.Shape);

    private sealed class DenseMatrix(float[] weight, TensorShape shape) : IQuantizedMatrix
    {
        public TensorShape Shape => shape;

        public long Bytes => weight.LongLength * sizeof(float);

        public void Multiply(in MatMulCall product)
        {
            if (product.Input.Device != DeviceKind.Cpu)
            {
                throw new NotSupportedException($"weight-quant/dense has no {product.Input.Device} kernel.");
            }
            var (rows, columns) = ((int)shape[0], (int)shape[1]);
            var input = product.Input.Memory;
            var output = product.Output.Memory;
            ParallelWork.For((int)product.Input.Shape[0], i =>
            {
                var x = input.Span.Slice(i * rows, rows);
                var y = output.Span.Slice(i * columns, columns);
                y.Clear();
                for (var k = 0; k < rows; k++)
                {
                    TensorPrimitives.MultiplyAdd(weight.AsSpan(k * columns, columns), x[k], y, y);
                }
            });
        }
    }
}
