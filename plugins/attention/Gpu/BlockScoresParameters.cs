using System.Runtime.InteropServices;

namespace Sieve.Plugins.Attention.Gpu;

/// <summary>The scalar arguments of <see cref="BlockScoresKernel.Run"/>.</summary>
/// <param name="QueryHeads">Query heads (Hq).</param>
/// <param name="KeyValueHeads">Key/value heads (Hkv).</param>
/// <param name="QueryLength">Queries per head (T).</param>
/// <param name="KeyLength">Keys per head (S).</param>
/// <param name="HeadSize">Head size (D ≤ 128).</param>
/// <param name="Scale">Multiplier of the scores.</param>
/// <param name="Causal">1: a query scores only the compressed keys whose whole window it sees.</param>
/// <param name="QueryTiles">⌈T / 64⌉.</param>
/// <param name="MaxCompressed">Compressed keys per row of the compressed-key buffer.</param>
/// <param name="MaxBlocks">Block scores per row of the output (⌈S / 64⌉).</param>
/// <param name="Kernel">Tokens per compressed key.</param>
/// <param name="Stride">Tokens between compressed keys.</param>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct BlockScoresParameters(int QueryHeads, int KeyValueHeads, int QueryLength, int KeyLength, int HeadSize, float Scale,
    int Causal, int QueryTiles, int MaxCompressed, int MaxBlocks, int Kernel, int Stride);
