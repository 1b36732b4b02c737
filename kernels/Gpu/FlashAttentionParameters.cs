using System.Runtime.InteropServices;

namespace Sieve.Kernels.Gpu;

/// <summary>The scalar arguments of <see cref="FlashAttentionKernel.Run"/> (passed by value as one struct).</summary>
/// <param name="Batch">Batch rows.</param>
/// <param name="QueryHeads">Query heads (a multiple of <paramref name="KeyValueHeads"/>).</param>
/// <param name="KeyValueHeads">Key/value heads.</param>
/// <param name="QueryLength">Queries per head.</param>
/// <param name="KeyLength">Keys per head.</param>
/// <param name="HeadSize">Head size, at most <see cref="GpuTile.MaxHeadSize"/>.</param>
/// <param name="Scale">Multiplier of the scores.</param>
/// <param name="Causal">1: query i sees keys up to i + <paramref name="CausalOffset"/>; 0: all.</param>
/// <param name="QueryTiles">⌈QueryLength / 64⌉ (the grid's x size).</param>
/// <param name="CausalOffset">Key position of query 0 (KeyLength − QueryLength unless an in-place cache is longer than its filled keys).</param>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct FlashAttentionParameters(
    int Batch, int QueryHeads, int KeyValueHeads, int QueryLength, int KeyLength, int HeadSize, float Scale, int Causal, int QueryTiles, int CausalOffset);
