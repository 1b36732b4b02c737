using System.Diagnostics.CodeAnalysis;

namespace Sieve.Abstractions;

/// <summary>Chooses which vision tokens to keep from their importance scores. Thread-safe.</summary>
[OperatorSlot(OperatorSlots.TokenSparsifier)]
[Experimental("SIEVE001")]
public interface ITokenSparsifier
{
    /// <summary>Selects tokens to keep.</summary>
    /// <param name="importance">One score per token (e.g. attention received).</param>
    /// <param name="kept">Receives the indices of kept tokens, ascending; sized to hold every token.</param>
    /// <returns>How many of <paramref name="kept"/> were written.</returns>
    int SelectTokens(ReadOnlySpan<float> importance, Span<int> kept);
}
