using Sieve.Abstractions;

namespace Sieve.Host.Onnx;

/// <summary>
/// An encoder's last hidden states for one batch left in GPU memory, [rows, length, size] fp32, with each row's valid
/// length: what a CUDA session hands to a GPU operator without a round trip through the host. Disposing frees the
/// memory (stream-ordered).
/// </summary>
internal sealed class DeviceHiddenStates(IGpuBuffer buffer, int[] lengths, int length, int size) : IDisposable
{
    /// <summary>Valid tokens of each row.</summary>
    public int[] Lengths { get; } = lengths;

    public int Rows => Lengths.Length;

    public int Length { get; } = length;

    public int Size { get; } = size;

    /// <summary>The states as a device tensor view.</summary>
    public TensorView<float> View => new(buffer.Address, new TensorShape(Rows, Length, Size), DeviceKind.Cuda);

    public void Dispose() => buffer.Dispose();
}
