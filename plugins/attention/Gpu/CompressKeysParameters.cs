using System.Runtime.InteropServices;

namespace Sieve.Plugins.Attention.Gpu;

/// <summary>The scalar arguments of <see cref="CompressKeysKernel.Run"/>.</summary>
/// <param name="KeyValueHeads">Key/value heads.</param>
/// <param name="KeyLength">Keys per head (S).</param>
/// <param name="HeadSize">Head size.</param>
/// <param name="Kernel">Tokens per compressed key.</param>
/// <param name="Stride">Tokens between compressed keys.</param>
/// <param name="MaxCompressed">Compressed keys per row of the output (those of S valid keys).</param>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct CompressKeysParameters(int KeyValueHeads, int KeyLength, int HeadSize, int Kernel, int Stride, int MaxCompressed);
