using System.Runtime.InteropServices;

namespace Sieve.Plugins.Attention.Gpu;

/// <summary>The scalar arguments of <see cref="BlockBoundScoresKernel.Run"/>.</summary>
/// <param name="QueryHeads">Query heads (Hq).</param>
/// <param name="KeyValueHeads">Key/value heads (Hkv).</param>
/// <param name="QueryLength">Queries per head (T).</param>
/// <param name="KeyLength">Keys per head (S).</param>
/// <param name="HeadSize">Head size.</param>
/// <param name="Scale">Multiplier of the scores.</param>
/// <param name="Causal">1: query i sees keys up to i + CausalOffset.</param>
/// <param name="CausalOffset">Key position of query 0.</param>
/// <param name="BlockSize">Keys per block.</param>
/// <param name="MaxBlocks">Blocks per row of the bounds and of the output.</param>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct BlockBoundScoresParameters(int QueryHeads, int KeyValueHeads, int QueryLength, int KeyLength, int HeadSize, float Scale,
    int Causal, int CausalOffset, int BlockSize, int MaxBlocks);
