using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>
/// Scaled dot-product attention that replaces an attention subgraph inside a model (slot <c>attention</c>).
/// Implementations must be thread-safe: one instance serves every layer and every concurrent run of a model.
/// </summary>
[Experimental("SIEVE001")]
public interface IAttention
{
    /// <summary>
    /// Checks, when the model is loaded and before any record runs, whether this implementation supports a node.
    /// </summary>
    /// <returns><see langword="null"/> when supported, else the reason, shown to the user.</returns>
    string? CheckSupport(AttentionShape shape);

    /// <summary>
    /// Computes <c>softmax(scale · Q·Kᵀ + mask) · V</c> for one node and one run. On <see cref="DeviceKind.Cuda"/> every
    /// view is device memory and the call enqueues its work on the current stream through the host's
    /// <see cref="IGpuDevice"/> and returns without waiting.
    /// </summary>
    /// <exception cref="NotSupportedException">The tensors are on a device the implementation cannot use, or the call
    /// needs a feature it lacks (the message says which).</exception>
    void Compute(in AttentionCall attention);
}
