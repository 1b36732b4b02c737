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

    /// <summary>
    /// Computes <c>softmax(scale · Q·Kᵀ + mask) · V</c> where the valid keys of batch row b are
    /// [<paramref name="keyStarts"/>[b], <paramref name="keyEnds"/>[b]): padding before them (left-padded prompts) and
    /// after them is masked. The host calls this overload; the default implementation passes inputs without left
    /// padding to the other overload and refuses the rest.
    /// </summary>
    /// <param name="shape">The node's description; <see cref="AttentionShape.Causal"/> is also set when the node's mask
    /// turns out at run time to be causal (query i sees keys up to i + keyLength − queryLength).</param>
    /// <param name="query">[batch, queryHeads, queryLength, headSize]; query head h uses key/value head h / (queryHeads / keyValueHeads).</param>
    /// <param name="key">[batch, keyValueHeads, keyLength, headSize].</param>
    /// <param name="value">[batch, keyValueHeads, keyLength, headSize].</param>
    /// <param name="keyStarts">First valid key per batch row; length = batch.</param>
    /// <param name="keyEnds">One past the last valid key per batch row; length = batch.</param>
    /// <param name="output">[batch, queryHeads, queryLength, headSize], written entirely by the call; a query that sees
    /// no key (a padding query of a left-padded row) gets a finite value that is never used.</param>
    /// <param name="context">State shared by the run's operator calls.</param>
    /// <exception cref="NotSupportedException">A key start is not 0 and the implementation does not support left padding.</exception>
    void Compute(AttentionShape shape, TensorView<float> query, TensorView<float> key, TensorView<float> value,
        ReadOnlySpan<int> keyStarts, ReadOnlySpan<int> keyEnds, TensorView<float> output, OperatorRunContext context)
    {
        foreach (var start in keyStarts)
        {
            if (start != 0)
            {
                throw new NotSupportedException($"{GetType().Name} does not support keys masked at the start of a row (left padding).");
            }
        }
        Compute(shape, query, key, value, keyEnds, output, context);
    }

    /// <summary>
    /// Computes attention with the key bounds given as tensors on the same device as the other inputs (contract 2.1).
    /// The host calls this overload for nodes on <see cref="DeviceKind.Cuda"/>: every view is device memory, the call
    /// enqueues its work on the current stream through the host's <see cref="IGpuDevice"/> and returns without waiting.
    /// The default implementation runs host views through the span overload and refuses device views.
    /// </summary>
    /// <param name="shape">The node's description.</param>
    /// <param name="query">[batch, queryHeads, queryLength, headSize].</param>
    /// <param name="key">[batch, keyValueHeads, keyLength, headSize].</param>
    /// <param name="value">[batch, keyValueHeads, keyLength, headSize].</param>
    /// <param name="keyStarts">[batch] int32: first valid key per row.</param>
    /// <param name="keyEnds">[batch] int32: one past the last valid key per row.</param>
    /// <param name="output">[batch, queryHeads, queryLength, headSize], written entirely.</param>
    /// <param name="context">State shared by the run's operator calls.</param>
    /// <exception cref="NotSupportedException">The tensors are on a device the implementation cannot use.</exception>
    void Compute(AttentionShape shape, TensorView<float> query, TensorView<float> key, TensorView<float> value,
        TensorView<int> keyStarts, TensorView<int> keyEnds, TensorView<float> output, OperatorRunContext context)
    {
        if (query.Device != DeviceKind.Cpu)
        {
            throw new NotSupportedException($"{GetType().Name} has no {query.Device} implementation.");
        }
        Compute(shape, query, key, value, keyStarts.Span, keyEnds.Span, output, context);
    }
}
