using System.Globalization;
using Sieve.Host.Generation;
using Sieve.Host.Jobs;

namespace Sieve.Host.Pipelines;

/// <summary>
/// <c>generate</c>: <c>{"id", "prompt", "max_new_tokens", "temperature", "top_p", "seed", "stop"}</c> →
/// <c>{"id", "text", "tokens", "finish_reason"}</c>, prompts of a micro-batch continued together (see
/// <see cref="BatchGenerator"/>).
/// </summary>
/// <param name="aroundGraph">The kv-cache and lm-head implementations, as the summary names them.</param>
/// <param name="head">The lm-head bound to the model, disposed with it (null: the generator's own dense head).</param>
internal sealed class GeneratePipeline(CausalLm model, LmTokenizer tokenizer, BatchGenerator generator, GenerationDefaults defaults, string aroundGraph,
    Sieve.Abstractions.ILmHeadScorer? head = null) : IJobPipeline
{
    /// <summary>Records whose prompt and continuation are printed (the first ones by input line).</summary>
    public const int PrintedRecords = 8;

    private readonly SortedDictionary<long, string> _printed = [];

    public string OperatorSummary => $"{model.OperatorSummary}, {aroundGraph}";

    public string? Epilogue => string.Concat(_printed.Values) + string.Create(CultureInfo.InvariantCulture,
        $"Prefill {generator.Meter.PrefillTokens:N0} tokens at {generator.Meter.PrefillTokensPerSecond:F0} tokens/s; " +
        $"decode {generator.Meter.DecodeTokens:N0} tokens at {generator.Meter.DecodeTokensPerSecond:F1} tokens/s.{Environment.NewLine}");

    public string? Throughput => generator.Meter.DecodeTokens == 0 ? null
        : string.Create(CultureInfo.InvariantCulture, $"{generator.Meter.DecodeTokensPerSecond:F1} tokens/s");

    public PreparedRecord Prepare(InputRecord record)
    {
        var request = GenerationRecord.Parse(record, tokenizer, defaults, model.Context);
        var room = model.Context - request.Prompt.Length;
        var warning = request.MaxNewTokens > room
            ? $"max_new_tokens {request.MaxNewTokens} cut to {room}: the prompt's {request.Prompt.Length} tokens leave that much of the {model.Context}-token context"
            : null;
        return new PreparedRecord(record, request, request.Prompt.Length, warning);
    }

    public void Process(IReadOnlyList<PreparedRecord> batch, JobOutput output)
    {
        var results = generator.Generate([.. batch.Select(b => (GenerationRequest)b.Work)]);
        for (var i = 0; i < batch.Count; i++)
        {
            var result = results[i];
            Remember(batch[i].Record, result);
            output.Write(batch[i].Record.IdJson, writer =>
            {
                writer.WriteString("text", result.Text);
                writer.WriteNumber("tokens", result.Tokens.Count);
                writer.WriteString("finish_reason", result.FinishReason);
            });
        }
    }

    private void Remember(InputRecord record, GenerationResult result)
    {
        if (_printed.Count == PrintedRecords && record.Line > _printed.Keys.Last())
        {
            return;
        }
        _printed[record.Line] = GenerationPrintout.Describe(record.Id, record.RequireString("prompt"), result.Text, result.FinishReason);
        if (_printed.Count > PrintedRecords)
        {
            _printed.Remove(_printed.Keys.Last());
        }
    }

    public void Dispose()
    {
        head?.Dispose();
        model.Dispose();
    }
}
