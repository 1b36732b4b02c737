using System.Runtime.InteropServices;

namespace Sieve.Kernels.Lexical.Gpu;

/// <summary>The scalar arguments of <see cref="LexicalTopKKernel.Run"/>, passed by value in one struct.</summary>
/// <param name="Vocabulary">Terms per row, V.</param>
/// <param name="TopK">Keep at most this many terms (0: all above the threshold).</param>
/// <param name="Capacity">Output entries per row: TopK, or V when TopK is 0.</param>
/// <param name="ThresholdBits">The bits of max(0, Threshold) as a float: weights at or below it are dropped.</param>
/// <param name="ExcludedCount">Entries of the excluded-term list.</param>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct LexicalTopKParameters(int Vocabulary, int TopK, int Capacity, int ThresholdBits, int ExcludedCount);
