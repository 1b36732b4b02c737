using System.Runtime.InteropServices;

namespace Sieve.Kernels.Gpu;

/// <summary>The scalar arguments of <see cref="FlashAttentionHalfKernel.Run"/>, passed by value in one struct.</summary>
/// <param name="QueryHeads">Query heads per batch entry (Hq).</param>
/// <param name="Group">Query heads per key/value head (Hq / Hkv).</param>
/// <param name="KeyValueHeads">Key/value heads per batch entry (Hkv).</param>
/// <param name="QueryLength">Queries per head (T), a multiple of 64.</param>
/// <param name="KeyLength">Keys per head (S), a multiple of 64.</param>
/// <param name="Causal">1: query i sees keys j ≤ i + S − T (bottom-right aligned); 0: all keys.</param>
/// <param name="ScaleLog2">The score scale times log2(e); positive.</param>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct FlashAttentionHalfParameters(
    int QueryHeads, int Group, int KeyValueHeads, int QueryLength, int KeyLength, int Causal, float ScaleLog2);
