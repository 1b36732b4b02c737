using Sieve.Abstractions;

namespace Sieve.Host.Onnx.Bridge;

/// <summary>
/// One custom-op call as the contract sees it: ORT's inputs and outputs as <see cref="TensorView{T}"/>s (host views with
/// <see cref="TensorView{T}.Memory"/> on the CPU provider, device views on CUDA). Lives for one call.
/// </summary>
internal sealed class OrtCustomKernelContext(OrtKernelContext context, DeviceKind device, IReadOnlyList<TensorElementType> outputTypes)
    : ICustomKernelContext
{
    private readonly OrtTensor?[] _inputs = Inputs(context);

    public DeviceKind Device => device;

    public OperatorRunContext Run { get; } = OperatorRunScope.Current;

    public int InputCount => _inputs.Length;

    public bool HasInput(int index) => index >= 0 && index < _inputs.Length && _inputs[index] is not null;

    public TensorElementType InputType(int index) => ElementType(Tensor(index), $"input {index}");

    public TensorView<T> Input<T>(int index) where T : unmanaged
    {
        var tensor = Tensor(index);
        var wanted = TensorElementTypes.Of<T>();
        var actual = ElementType(tensor, $"input {index}");
        return actual == wanted
            ? View<T>(tensor)
            : throw new InvalidOperationException($"input {index} is {actual}, not {wanted}");
    }

    public TensorView<T> Output<T>(int index, TensorShape shape) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, outputTypes.Count);
        var wanted = TensorElementTypes.Of<T>();
        if (outputTypes[index] != wanted)
        {
            throw new InvalidOperationException($"output {index} is declared {outputTypes[index]}, not {wanted}");
        }
        return View<T>(context.Output(index, shape.Dimensions));
    }

    private TensorView<T> View<T>(OrtTensor tensor) where T : unmanaged => device == DeviceKind.Cpu
        ? new TensorView<T>(tensor.Memory<T>(), new TensorShape(tensor.Shape))
        : new TensorView<T>(tensor.Address, new TensorShape(tensor.Shape), device);

    private OrtTensor Tensor(int index) => HasInput(index)
        ? _inputs[index]!.Value
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"input {index} is absent");

    private static TensorElementType ElementType(OrtTensor tensor, string what) =>
        OnnxElementTypes.FromOnnx(tensor.ElementType) ?? throw new NotSupportedException($"{what} has ONNX element type {tensor.ElementType}, which Sieve's views do not carry");

    private static OrtTensor?[] Inputs(OrtKernelContext context)
    {
        var inputs = new OrtTensor?[context.InputCount];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = context.Input(i);
        }
        return inputs;
    }
}
