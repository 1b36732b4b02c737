using System.Runtime.InteropServices;
using Sieve.Abstractions;

namespace Sieve.Testing.Gpu;

/// <summary>
/// "Device" memory of the <see cref="CpuAcceleratorDevice"/>: aligned native host memory, filled with 0xFF bytes (NaN as
/// floats, −1 as ints) so that a kernel that forgets to write an element is caught. Freed on dispose.
/// </summary>
internal sealed unsafe class HostBuffer : IGpuBuffer
{
    private void* _memory;

    public HostBuffer(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        Bytes = bytes;
        _memory = NativeMemory.AlignedAlloc((nuint)Math.Max(bytes, 1), 64);
        new Span<byte>(_memory, checked((int)bytes)).Fill(0xFF);
    }

    public DeviceAddress Address => new((ulong)_memory);

    public long Bytes { get; }

    public void Dispose()
    {
        if (_memory != null)
        {
            NativeMemory.AlignedFree(_memory);
            _memory = null;
        }
    }
}
