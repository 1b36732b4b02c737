using Sieve.Abstractions;

namespace Sieve.Host.Onnx.Passes.WeightQuant;

/// <summary>One <c>ai.sieve::QuantizedMatMul</c> node: X [..., rows] · W → [..., columns], the leading axes flattened.</summary>
internal sealed class QuantizedMatMulKernel(IQuantizedMatrix matrix) : ICustomKernel
{
    public void Compute(ICustomKernelContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.Input<float>(0);
        var (rows, columns) = (matrix.Shape[0], matrix.Shape[1]);
        if (input.Shape.Rank == 0 || input.Shape[-1] != rows)
        {
            throw new ArgumentException($"input {input.Shape} does not end in the weight's {rows} rows");
        }
        var outer = input.Shape.Dimensions[..^1].ToArray();
        var output = context.Output<float>(0, new TensorShape([.. outer, columns]));
        var m = input.Shape.ElementCount / rows;
        matrix.Multiply(new MatMulCall
        {
            Input = context.Device == DeviceKind.Cpu ? new TensorView<float>(input.Memory, new TensorShape(m, rows)) : new TensorView<float>(input.Address, new TensorShape(m, rows), context.Device),
            Output = context.Device == DeviceKind.Cpu ? new TensorView<float>(output.Memory, new TensorShape(m, columns)) : new TensorView<float>(output.Address, new TensorShape(m, columns), context.Device),
            Context = context.Run,
        });
    }
}
