using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>
/// One attention call (contract 4.0: later fields are added here, a minor version, instead of new overloads). Every
/// view is on the same device and borrowed for the call.
/// </summary>
[Experimental("SIEVE001")]
public readonly ref struct AttentionCall
{
    /// <summary>The node's description; <see cref="AttentionShape.Causal"/> is also set when the node's mask turns out
    /// at run time to be causal.</summary>
    public required AttentionShape Shape { get; init; }

    /// <summary>[batch, queryHeads, queryLength, headSize]; query head h uses key/value head h / (queryHeads / keyValueHeads).</summary>
    public required TensorView<float> Query { get; init; }

    /// <summary>[batch, keyValueHeads, keyLength, headSize].</summary>
    public required TensorView<float> Key { get; init; }

    /// <summary>[batch, keyValueHeads, keyLength, headSize].</summary>
    public required TensorView<float> Value { get; init; }

    /// <summary>[batch] int32: the first valid key of each row (padding before it, as in left-padded prompts, is masked).</summary>
    public required TensorView<int> KeyStarts { get; init; }

    /// <summary>[batch] int32: one past the last valid key of each row.</summary>
    public required TensorView<int> KeyEnds { get; init; }

    /// <summary>[batch, queryHeads, queryLength, headSize], written entirely; a query that sees no key (a padding query of
    /// a left-padded row) gets a finite value that is never used.</summary>
    public required TensorView<float> Output { get; init; }

    /// <summary>State shared by the run's operator calls.</summary>
    public required OperatorRunContext Context { get; init; }

    /// <summary>Where the views live.</summary>
    public DeviceKind Device => Query.Device;
}
