using System.Runtime.InteropServices;

namespace Sieve.Plugins.Attention.Gpu;

/// <summary>The scalar arguments of <see cref="BlockScoresHalfKernel.Run"/>, passed by value in one struct.</summary>
/// <param name="QueryHeads">Query heads (Hq).</param>
/// <param name="KeyValueHeads">Key/value heads (Hkv).</param>
/// <param name="Group">Query heads per key/value head (Hq / Hkv).</param>
/// <param name="QueryLength">Queries per head (T).</param>
/// <param name="KeyLength">Keys per head (S).</param>
/// <param name="Causal">1: a query scores only the compressed keys whose whole window it sees.</param>
/// <param name="ScaleLog2">The score scale times log2(e); positive.</param>
/// <param name="QueryTiles">⌈T / 64⌉.</param>
/// <param name="MaxCompressed">Compressed keys per row of the compressed-key buffer.</param>
/// <param name="MaxBlocks">Block scores per row of the output (⌈S / 64⌉).</param>
/// <param name="Kernel">Tokens per compressed key.</param>
/// <param name="Stride">Tokens between compressed keys.</param>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct BlockScoresHalfParameters(int QueryHeads, int KeyValueHeads, int Group, int QueryLength, int KeyLength, int Causal,
    float ScaleLog2, int QueryTiles, int MaxCompressed, int MaxBlocks, int Kernel, int Stride);
