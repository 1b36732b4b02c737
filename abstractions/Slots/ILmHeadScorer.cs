using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>
/// An <see cref="ILmHead"/> bound to one model: turns each row of the model's output (a hidden state, or the logits) into
/// at most <see cref="MaxCandidates"/> candidate tokens with their logits. Not thread-safe: one generation batch calls it
/// from one thread at a time.
/// </summary>
[Experimental("SIEVE001")]
public interface ILmHeadScorer : IDisposable
{
    /// <summary>Floats per row of <see cref="LmHeadCall.Input"/>: the hidden size, or the vocabulary size for a head that reads logits.</summary>
    int InputWidth { get; }

    /// <summary>The most candidates a row can get: the stride of <see cref="LmHeadCall.Tokens"/> and <see cref="LmHeadCall.Logits"/>.</summary>
    int MaxCandidates { get; }

    /// <summary>Scores the call's rows.</summary>
    /// <exception cref="ArgumentException">A span is shorter than the call's rows need.</exception>
    void Score(in LmHeadCall rows);
}
