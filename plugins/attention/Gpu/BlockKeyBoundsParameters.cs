using System.Runtime.InteropServices;

namespace Sieve.Plugins.Attention.Gpu;

/// <summary>The scalar arguments of <see cref="BlockKeyBoundsKernel.Run"/>.</summary>
/// <param name="KeyValueHeads">Key/value heads.</param>
/// <param name="KeyLength">Keys per head (S).</param>
/// <param name="HeadSize">Head size.</param>
/// <param name="BlockSize">Keys per block.</param>
/// <param name="MaxBlocks">Blocks per row of the output (⌈S / BlockSize⌉).</param>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct BlockKeyBoundsParameters(int KeyValueHeads, int KeyLength, int HeadSize, int BlockSize, int MaxBlocks);
