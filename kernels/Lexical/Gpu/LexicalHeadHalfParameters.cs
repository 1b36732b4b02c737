using System.Runtime.InteropServices;

namespace Sieve.Kernels.Lexical.Gpu;

/// <summary>The scalar arguments of <see cref="LexicalHeadHalfKernel.Run"/>, passed by value in one struct.</summary>
/// <param name="Batch">Sequences, B.</param>
/// <param name="Sequence">Tokens per sequence (padded), S.</param>
/// <param name="Vocabulary">Terms, V.</param>
/// <param name="StoreLogits">0: the fused head (pooled weights [B, V]); 1: the unfused reference (logits [B, S, V]).</param>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct LexicalHeadHalfParameters(int Batch, int Sequence, int Vocabulary, int StoreLogits);
