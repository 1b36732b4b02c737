namespace Sieve.Host.Generation;

/// <summary>One prompt to continue, checked and tokenized.</summary>
/// <param name="Prompt">The prompt's token ids (at least one).</param>
/// <param name="MaxNewTokens">Tokens to generate at most (≥ 1; prompt plus these fit the context).</param>
/// <param name="Temperature">0: greedy.</param>
/// <param name="TopP">Nucleus size, in (0, 1].</param>
/// <param name="Seed">Seeds this sequence's own random generator.</param>
/// <param name="StopStrings">Generation ends before the first of these appears in the text.</param>
/// <param name="StopTokens">Generation ends at any of these token ids.</param>
/// <param name="StopAtEndOfText">Whether the end-of-text token ends generation (always, except in benchmarks that need a fixed count).</param>
internal sealed record GenerationRequest(
    int[] Prompt,
    int MaxNewTokens,
    float Temperature,
    float TopP,
    int Seed,
    IReadOnlyList<string> StopStrings,
    IReadOnlyList<int> StopTokens,
    bool StopAtEndOfText = true);
