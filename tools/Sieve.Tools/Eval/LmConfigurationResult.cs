namespace Sieve.Tools.Eval;

/// <summary>
/// One attention configuration of <c>sieve eval lm --attention …</c>: its report and what block-sparse measured on the
/// perplexity windows, on the pass-key prompts' prefill, and on the decode steps that produce the answers (also per layer).
/// </summary>
internal sealed record LmConfigurationResult(AttentionConfiguration Configuration, LmReport Report, SelectionFigures PerplexityFigures,
    SelectionFigures PasskeyPrefillFigures, SelectionFigures PasskeyDecodeFigures, IReadOnlyDictionary<int, SelectionFigures> PasskeyDecodeByLayer);
