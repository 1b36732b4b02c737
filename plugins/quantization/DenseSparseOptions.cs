namespace Sieve.Plugins.Quantization;

/// <summary>
/// Options of <c>weight-quant/dense-and-sparse</c>: none yet. The quantization itself (bits, sparse fractions,
/// sensitivity) is fixed when <c>sieve quantize</c> writes the model; the model's <c>quantization.json</c> records it.
/// </summary>
public sealed class DenseSparseOptions
{
}
