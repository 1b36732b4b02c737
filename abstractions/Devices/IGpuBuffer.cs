using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>Device memory from <see cref="IGpuDevice.Allocate"/>; freed, stream-ordered, on dispose. Not thread-safe.</summary>
[Experimental("SIEVE001")]
public interface IGpuBuffer : IDisposable
{
    /// <summary>The first byte.</summary>
    DeviceAddress Address { get; }

    /// <summary>The size in bytes.</summary>
    long Bytes { get; }
}
