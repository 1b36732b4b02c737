using Sieve.Abstractions;

namespace Sieve.Host.Onnx;

/// <summary>
/// An encoder's last hidden states for one batch left in GPU memory, [rows, length, size] fp32, with each row's valid
/// length: what a CUDA session hands to a GPU operator without a round trip through the host. Disposing frees the
/// memory (stream-ordered).
/// </summary>
internal sealed class DeviceHiddenStates(IGpuDevice device, IGpuBuffer buffer, int[] lengths, int length, int size) : IDisposable
{
    /// <summary>Valid tokens of each row.</summary>
    public int[] Lengths { get; } = lengths;

    public int Rows => Lengths.Length;

    public int Length { get; } = length;

    public int Size { get; } = size;

    /// <summary>The states as a device tensor view.</summary>
    public TensorView<float> View => new(buffer.Address, new TensorShape(Rows, Length, Size), DeviceKind.Cuda);

    /// <summary>A host copy (e.g. for mean pooling), after the device's earlier work.</summary>
    public HiddenStates Download()
    {
        var values = new float[(long)Rows * Length * Size];
        device.Download(buffer.Address, values.AsSpan());
        return new HiddenStates(values, Lengths, Length, Size);
    }

    public void Dispose() => buffer.Dispose();
}
