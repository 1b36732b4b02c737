using Sieve.Abstractions;
using Sieve.Kernels.Lexical;

namespace Sieve.Host.Operators.LexicalHead;

/// <summary>
/// <c>lexical-head/dense</c>, the reference: materializes the logits [batch, sequence, vocabulary] with the same packed
/// multiply as <c>lexical-head/fused</c>, then max-pools it over the valid tokens in a separate pass and applies
/// <c>log(1 + relu(x + b))</c> to the maxima. Thread-safe (stateless).
/// </summary>
/// <param name="options">Which terms are kept.</param>
/// <param name="gpu">The host's GPU, used for hidden states on CUDA (<see cref="Kernels.Lexical.Gpu.GpuLexicalWeights"/>); null: host states only.</param>
internal sealed class DenseLexicalHead(LexicalHeadOptions options, IGpuDevice? gpu = null) : ILexicalHead
{
    public const string Name = "dense";

    /// <summary>Packs <c>W</c> (one copy, held until the encoder is disposed) and returns the encoder.</summary>
    public ILexicalEncoder Bind(VocabularyProjection projection)
    {
        ArgumentNullException.ThrowIfNull(projection);
        return new DenseLexicalEncoder(new PackedVocabulary(projection), options, gpu);
    }
}
