using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>One <see cref="ILmHeadScorer.Score"/> call (contract 4.0). Borrowed for the call.</summary>
[Experimental("SIEVE001")]
public readonly ref struct LmHeadCall
{
    /// <summary>[Rows, <see cref="ILmHeadScorer.InputWidth"/>]: one output row of the model per sequence.</summary>
    public required ReadOnlySpan<float> Input { get; init; }

    /// <summary>The rows to score.</summary>
    public required int Rows { get; init; }

    /// <summary>[Rows, <see cref="ILmHeadScorer.MaxCandidates"/>]: row r's candidate token ids, its first <c>Counts[r]</c> entries.</summary>
    public required Span<int> Tokens { get; init; }

    /// <summary>[Rows, <see cref="ILmHeadScorer.MaxCandidates"/>]: the exact logit of each candidate, beside its id in <see cref="Tokens"/>.</summary>
    public required Span<float> Logits { get; init; }

    /// <summary>[Rows]: how many candidates each row got (at least 1).</summary>
    public required Span<int> Counts { get; init; }
}
