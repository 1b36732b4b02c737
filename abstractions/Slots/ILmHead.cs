using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>
/// Picks the next-token candidates from final hidden states, exactly (the dense head) or approximately (clustered
/// heads). Thread-safe.
/// </summary>
[OperatorSlot(OperatorSlots.LmHead)]
[Experimental("SIEVE001")]
public interface ILmHead
{
    /// <summary>Finds the <c>k</c> highest-scoring tokens for each row of <paramref name="hidden"/>.</summary>
    /// <param name="hidden">[rows, hiddenSize].</param>
    /// <param name="tokens">[rows, k]: token ids, best first.</param>
    /// <param name="logits">[rows, k]: their logits.</param>
    void TopK(TensorView<float> hidden, TensorView<int> tokens, TensorView<float> logits);
}
