using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>
/// Scaled dot-product attention that replaces an attention subgraph inside a model. Implementations must be
/// thread-safe: one instance serves every layer and every concurrent run of a model.
/// </summary>
[OperatorSlot(OperatorSlots.Attention)]
[Experimental("SIEVE001")]
public interface IAttention
{
    /// <summary>
    /// Checks, when the model is loaded and before any record runs, whether this implementation supports a node.
    /// </summary>
    /// <returns><see langword="null"/> when supported, else the reason, shown to the user.</returns>
    string? CheckSupport(AttentionShape shape);

    /// <summary>
    /// Computes <c>softmax(scale · Q·Kᵀ + mask) · V</c> for one node and one run.
    /// </summary>
    /// <param name="shape">The node's description, as passed to <see cref="CheckSupport"/>.</param>
    /// <param name="query">[batch, queryHeads, queryLength, headSize].</param>
    /// <param name="key">[batch, keyValueHeads, keyLength, headSize].</param>
    /// <param name="value">[batch, keyValueHeads, keyLength, headSize].</param>
    /// <param name="keyLengths">Valid keys per batch row (padding at the end is masked); length = batch.</param>
    /// <param name="output">[batch, queryHeads, queryLength, headSize], written entirely by the call.</param>
    /// <param name="context">State shared by the run's operator calls.</param>
    void Compute(AttentionShape shape, TensorView<float> query, TensorView<float> key, TensorView<float> value,
        ReadOnlySpan<int> keyLengths, TensorView<float> output, OperatorRunContext context);
}
