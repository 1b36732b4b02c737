using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>A quantized weight matrix. Immutable after creation; thread-safe; disposable when it holds native or device memory.</summary>
[Experimental("SIEVE001")]
public interface IQuantizedMatrix
{
    /// <summary>The original shape [rows, columns].</summary>
    TensorShape Shape { get; }

    /// <summary>Bytes held by the compressed form.</summary>
    long Bytes { get; }

    /// <summary>Computes <c>output = input · W</c>.</summary>
    /// <exception cref="ArgumentException">The shapes do not fit the matrix.</exception>
    /// <exception cref="NotSupportedException">The views are on a device the implementation cannot use.</exception>
    void Multiply(in MatMulCall product);
}
