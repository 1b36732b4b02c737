namespace Sieve.Host.Generation;

/// <summary>What one prompt produced.</summary>
/// <param name="Text">The continuation, cut before a stop string.</param>
/// <param name="Tokens">The generated token ids (a stop token included, a stop string's tokens too).</param>
/// <param name="FinishReason"><c>stop</c> (a stop string, stop token or end of text) or <c>length</c> (max_new_tokens or the context).</param>
internal sealed record GenerationResult(string Text, IReadOnlyList<int> Tokens, string FinishReason);
