using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>One <see cref="IQuantizedMatrix.Multiply"/> call (contract 4.0). Borrowed for the call.</summary>
[Experimental("SIEVE001")]
public readonly ref struct MatMulCall
{
    /// <summary>[m, rows]: the rows of the activation, flattened over its leading axes.</summary>
    public required TensorView<float> Input { get; init; }

    /// <summary>[m, columns], written entirely.</summary>
    public required TensorView<float> Output { get; init; }

    /// <summary>State shared by the run's operator calls.</summary>
    public required OperatorRunContext Context { get; init; }
}
