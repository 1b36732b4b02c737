using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>Compresses a constant MatMul weight and multiplies with it. Thread-safe.</summary>
[OperatorSlot(OperatorSlots.WeightQuant)]
[Experimental("SIEVE001")]
public interface IWeightQuantizer
{
    /// <summary>Quantizes a weight [rows, columns] (row-major); the result is owned by the caller.</summary>
    IQuantizedMatrix Quantize(TensorView<float> weight);
}

/// <summary>A quantized weight matrix. Immutable after creation; thread-safe.</summary>
[Experimental("SIEVE001")]
public interface IQuantizedMatrix
{
    /// <summary>The original shape [rows, columns].</summary>
    TensorShape Shape { get; }

    /// <summary>Bytes held by the compressed form.</summary>
    long Bytes { get; }

    /// <summary>Computes <c>output = input · W</c> for input [m, rows] and output [m, columns].</summary>
    void Multiply(TensorView<float> input, TensorView<float> output);
}
