using System.Runtime.InteropServices;

namespace Sieve.Plugins.Quantization.Gpu;

/// <summary>The scalar arguments of <see cref="DenseSparseGemvKernel.Run"/>.</summary>
/// <param name="InputSize">K.</param>
/// <param name="OutputSize">N.</param>
/// <param name="Bits">3 or 4.</param>
/// <param name="Rows">Rows of X, 1 to 8.</param>
/// <param name="BlocksPerSplit">Blocks of 32 inputs each group along y covers.</param>
/// <param name="Accumulate">1: several splits add into Y (zeroed before) atomically; 0: one split stores.</param>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct DenseSparseGemvParameters(int InputSize, int OutputSize, int Bits, int Rows, int BlocksPerSplit, int Accumulate);
