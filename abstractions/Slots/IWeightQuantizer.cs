using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>
/// Compresses the constant weight of a MatMul and multiplies with it (slot <c>weight-quant</c>). The host's pass replaces
/// each <c>MatMul(X, W)</c> whose W is a constant float matrix by a node that calls <see cref="IQuantizedMatrix.Multiply"/>;
/// an implementation that also implements <see cref="IGraphPassProvider"/> brings its own pass instead. Thread-safe.
/// </summary>
[Experimental("SIEVE001")]
public interface IWeightQuantizer
{
    /// <summary>Checks, at load and before quantizing, whether a weight can be taken; null when it can, else the reason.</summary>
    string? CheckSupport(TensorShape weight, DeviceKind device);

    /// <summary>Quantizes a weight [rows, columns] (row-major, host memory); the result is owned by the caller.</summary>
    IQuantizedMatrix Quantize(TensorView<float> weight);
}
