using System.Runtime.InteropServices;

namespace Sieve.Kernels.Lexical.Gpu;

/// <summary>The sizes every lexical-head kernel takes (one value argument).</summary>
/// <param name="Batch">Sequences, B.</param>
/// <param name="Sequence">Tokens per sequence (padded), S.</param>
/// <param name="Hidden">The hidden size, d.</param>
/// <param name="Vocabulary">Terms, V.</param>
/// <param name="PaddedVocabulary">V rounded up to <see cref="LexicalTile.Terms"/>: the row length of the transposed W.</param>
/// <param name="PaddedHidden">d rounded up to <see cref="LexicalTile.Depth"/>: the rows of the transposed W.</param>
/// <param name="Hidden4">1 when d is a multiple of 4 (hidden rows are then read as 16-byte vectors), else 0.</param>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct LexicalKernelParameters(int Batch, int Sequence, int Hidden, int Vocabulary, int PaddedVocabulary, int PaddedHidden, int Hidden4);
