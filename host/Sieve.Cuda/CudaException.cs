namespace Sieve.Cuda;

/// <summary>A CUDA driver call failed; the message names the call and the driver's error.</summary>
internal sealed class CudaException(int result, string call, string description)
    : InvalidOperationException($"CUDA {call} failed: {description}")
{
    public int Result { get; } = result;
}
