using Sieve.Abstractions;
using Sieve.Kernels.Lexical;

namespace Sieve.Plugins.Heads;

/// <summary>
/// <c>lexical-head/fused</c>, after Sparton: the vocabulary projection is packed once at <see cref="Bind"/>; each
/// encode computes logits a tile at a time (16 terms × 4 tokens, in registers) and folds the maximum over tokens at
/// once, so the [batch, sequence, vocabulary] logits never exist. <c>log(1 + relu)</c> is monotonic, so it is applied
/// once per (sequence, term) to the maximum logit. Thread-safe (stateless).
/// </summary>
/// <param name="options">Which terms are kept.</param>
/// <param name="gpu">The host's GPU, used for hidden states on CUDA (<see cref="Kernels.Lexical.Gpu.GpuLexicalWeights"/>); null: host states only.</param>
public sealed class FusedLexicalHead(LexicalHeadOptions options, IGpuDevice? gpu = null) : ILexicalHead
{
    public const string Name = "fused";

    /// <summary>Packs <c>W</c> (one copy, held until the encoder is disposed) and returns the encoder.</summary>
    public ILexicalEncoder Bind(VocabularyProjection projection)
    {
        ArgumentNullException.ThrowIfNull(projection);
        return new FusedLexicalEncoder(new PackedVocabulary(projection), options, gpu);
    }
}
