namespace Sieve.Abstractions;

/// <summary>Where a tensor's memory lives.</summary>
public enum DeviceKind
{
    /// <summary>Host memory, reachable through a span.</summary>
    Cpu,

    /// <summary>NVIDIA GPU memory in the CUDA primary context, reachable only through the host's device service.</summary>
    Cuda,
}
