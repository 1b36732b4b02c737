namespace Sieve.Abstractions;

/// <summary>The kinds of kernel arguments.</summary>
public enum KernelArgumentKind
{
    /// <summary>An <c>ArrayView&lt;T&gt;</c> over device memory.</summary>
    View,

    /// <summary>An <see cref="int"/>, a <see cref="float"/> or a struct of such fields, passed by value.</summary>
    Value,
}
