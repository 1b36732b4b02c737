using ILGPU;
using ILGPU.Runtime;

namespace Sieve.Testing.Gpu;

/// <summary>
/// An ILGPU buffer over memory it does not own (NOTES §3.1): lets a kernel on the CPU accelerator see a host pointer as
/// an <see cref="ArrayView{T}"/> without copying. Disposing it frees nothing.
/// </summary>
internal sealed class HostMemoryBuffer : MemoryBuffer
{
    public HostMemoryBuffer(Accelerator accelerator, nint pointer, long length, int elementSize)
        : base(accelerator, length, elementSize) => NativePtr = pointer;

    protected override void MemSet(AcceleratorStream stream, byte value, in ArrayView<byte> targetView) =>
        throw new NotSupportedException("Borrowed host memory is written by kernels only.");

    protected override void CopyFrom(AcceleratorStream stream, in ArrayView<byte> sourceView, in ArrayView<byte> targetView) =>
        throw new NotSupportedException("Borrowed host memory is written by kernels only.");

    protected override void CopyTo(AcceleratorStream stream, in ArrayView<byte> sourceView, in ArrayView<byte> targetView) =>
        throw new NotSupportedException("Borrowed host memory is read by kernels only.");

    protected override void DisposeAcceleratorObject(bool disposing)
    {
        // Not ours to free.
    }
}
