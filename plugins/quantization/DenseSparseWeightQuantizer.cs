using Sieve.Abstractions;

namespace Sieve.Plugins.Quantization;

/// <summary>
/// <c>weight-quant/dense-and-sparse</c>: runs models that <c>sieve quantize</c> wrote. It quantizes nothing at load
/// (k-means over a whole model is an offline job): its own pass (<see cref="DenseSparseMatMulPass"/>) finds the
/// <c>ai.sieve::DenseSparseMatMul</c> nodes and reads their weights from the model's side file. Thread-safe.
/// </summary>
internal sealed class DenseSparseWeightQuantizer(IGpuDevice? gpu) : IWeightQuantizer, IGraphPassProvider
{
    public const string Name = "dense-and-sparse";

    public string? CheckSupport(TensorShape weight, DeviceKind device) =>
        device == DeviceKind.Cpu || gpu is not null ? null : $"weight-quant/{Name} got a {device} session but the host offers no GPU device service";

    public IQuantizedMatrix Quantize(TensorView<float> weight) => throw new NotSupportedException(
        $"weight-quant/{Name} does not quantize at load: quantize the model once with `sieve quantize MODEL --bits 3|4 --out DIR` and load DIR/model.onnx.");

    public IGraphPass CreateGraphPass(GraphPassContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new DenseSparseMatMulPass(context.Device == DeviceKind.Cpu ? null : gpu);
    }
}
