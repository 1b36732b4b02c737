using System.Runtime.InteropServices;

namespace Sieve.Plugins.Attention.Gpu;

/// <summary>The scalar arguments of <see cref="BlockSelectKernel.Run"/>.</summary>
/// <param name="KeyValueHeads">Key/value heads (Hkv).</param>
/// <param name="QueryLength">Queries per head (T).</param>
/// <param name="KeyLength">Keys per head (S).</param>
/// <param name="Causal">1 when causal.</param>
/// <param name="QueryTiles">⌈T / 64⌉.</param>
/// <param name="Rows">B·Hkv·QueryTiles (rows of the block lists).</param>
/// <param name="MaxBlocks">Block scores per row of the score buffer.</param>
/// <param name="Entries">Entries per row of the block list (the rest of a row is −1).</param>
/// <param name="TopKBlocks">The budget when <paramref name="DensityLow"/> and <paramref name="DensityHigh"/> are 0.</param>
/// <param name="DensityLow">Low 32 bits of the density (a double, so that ⌈density · visible⌉ matches the CPU).</param>
/// <param name="DensityHigh">High 32 bits of the density.</param>
/// <param name="WindowBlocks">Blocks kept on each side of the diagonal (only before it when causal).</param>
/// <param name="KeepFirstBlock">1: always keep block 0.</param>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct BlockSelectParameters(int KeyValueHeads, int QueryLength, int KeyLength, int Causal, int QueryTiles, int Rows,
    int MaxBlocks, int Entries, int TopKBlocks, int DensityLow, int DensityHigh, int WindowBlocks, int KeepFirstBlock);
