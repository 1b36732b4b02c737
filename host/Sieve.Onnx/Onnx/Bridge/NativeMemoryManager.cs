using System.Buffers;

namespace Sieve.Host.Onnx.Bridge;

/// <summary>
/// <see cref="Memory{T}"/> over memory ONNX Runtime owns for the duration of one compute call, so that operators can
/// hand it to worker threads. It must not outlive the call; pinning is a no-op (native memory does not move).
/// </summary>
internal sealed unsafe class NativeMemoryManager<T>(nint address, int length) : MemoryManager<T> where T : unmanaged
{
    public override Span<T> GetSpan() => new((void*)address, length);

    public override MemoryHandle Pin(int elementIndex = 0) => new((T*)address + elementIndex);

    public override void Unpin() { }

    protected override void Dispose(bool disposing) { }
}
