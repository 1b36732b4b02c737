using System.Runtime.InteropServices;

namespace Sieve.Plugins.Quantization.Gpu;

/// <summary>The scalar arguments of <see cref="DenseSparseGemmKernel.Run"/> and <see cref="SparseAddKernel.Run"/>.</summary>
/// <param name="InputSize">K.</param>
/// <param name="OutputSize">N.</param>
/// <param name="Bits">3 or 4.</param>
/// <param name="Rows">Rows of X (m).</param>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct DenseSparseGemmParameters(int InputSize, int OutputSize, int Bits, int Rows);
