using Sieve.Abstractions;

namespace Sieve.Plugins.Heads;

/// <summary>
/// <c>lexical-head/dense</c>, the reference: materializes the logits [batch, sequence, vocabulary] with a cache-blocked
/// matrix multiply, then max-pools <c>log(1 + relu)</c> over the valid tokens. Thread-safe (stateless).
/// </summary>
public sealed class DenseLexicalHead(LexicalHeadOptions options) : ILexicalHead
{
    public const string Name = "dense";

    public ILexicalEncoder Bind(VocabularyProjection projection)
    {
        ArgumentNullException.ThrowIfNull(projection);
        return new DenseLexicalEncoder(projection, options);
    }
}
