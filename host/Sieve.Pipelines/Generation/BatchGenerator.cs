using System.Diagnostics;
using Sieve.Abstractions;

namespace Sieve.Host.Generation;

/// <summary>
/// Continues a batch of prompts: left-pads them to one length, fills the KV cache in chunks (prefill), then decodes one
/// token per sequence per step until every sequence has stopped. The cache is allocated once per batch, for its longest
/// prompt plus its largest <c>max_new_tokens</c>, and so is the operators' <see cref="OperatorRunContext"/>: every step of
/// the batch shares it, so an operator may keep per-layer state (block summaries, selections) for as long as the cache
/// lives. Each decode step hands the model's output row to the lm-head (<paramref name="head"/>; default
/// <c>lm-head/dense</c>: every token with the model's logit) and samples among the candidates it returns. Not thread-safe.
/// </summary>
internal sealed class BatchGenerator(CausalLm model, LmTokenizer tokenizer, IKvCache cache, int prefillChunk = 256, ILmHeadScorer? head = null)
{
    private readonly ILmHeadScorer _head = head ?? new Operators.LmHead.DenseLmHead().Bind(model.Embedding);
    private int[] _candidates = [];
    private float[] _candidateLogits = [];
    private int[] _candidateCount = [];
    private float[] _headInput = [];

    /// <summary>Prompt tokens and generated tokens so far, and the time spent on each.</summary>
    public GenerationMeter Meter { get; } = new();

    public GenerationResult[] Generate(IReadOnlyList<GenerationRequest> requests)
    {
        var batch = requests.Count;
        var promptLength = requests.Max(r => r.Prompt.Length);
        var maxLength = Math.Min(model.Context, promptLength + requests.Max(r => r.MaxNewTokens));
        var width = model.OutputWidth;
        var chunk = Math.Min(prefillChunk, promptLength);
        var logits = new float[batch * chunk * width];
        var ids = new long[batch * chunk];
        var positions = new long[batch * chunk];
        var mask = new long[batch * maxLength];
        var stepMask = new long[batch * maxLength];
        var padding = new int[batch];
        for (var row = 0; row < batch; row++)
        {
            padding[row] = promptLength - requests[row].Prompt.Length;
            for (var column = padding[row]; column < maxLength; column++)
            {
                mask[row * maxLength + column] = 1;
            }
        }

        using var buffer = cache.Allocate(new KvCacheShape(model.Layers, batch, model.KeyValueHeads, maxLength, model.HeadSize, model.Device));
        var run = new OperatorRunContext(model.Device);
        var clock = Stopwatch.StartNew();
        var count = 0;
        for (var start = 0; start < promptLength; start += count)
        {
            count = Math.Min(chunk, promptLength - start);
            for (var row = 0; row < batch; row++)
            {
                for (var t = 0; t < count; t++)
                {
                    var column = start + t;
                    var token = column - padding[row];
                    ids[row * count + t] = token >= 0 ? requests[row].Prompt[token] : tokenizer.EndOfText;
                    positions[row * count + t] = Math.Max(token, 0);
                }
            }
            Step(buffer, run, ids, positions, mask, stepMask, batch, count, maxLength, logits);
        }
        Meter.AddPrefill(batch * promptLength, clock.Elapsed);

        var states = new SequenceState[batch];
        for (var row = 0; row < batch; row++)
        {
            states[row] = new SequenceState(requests[row], tokenizer, maxLength - promptLength);
        }
        clock.Restart();
        var generated = 0;
        var last = count - 1;
        while (true)
        {
            var active = false;
            var scored = Candidates(logits, states, count, last, width);
            var slot = 0;
            for (var row = 0; row < batch; row++)
            {
                var state = states[row];
                if (state.Finished)
                {
                    ids[row] = tokenizer.EndOfText;
                }
                else
                {
                    var at = slot * _head.MaxCandidates;
                    var candidates = _candidateCount[slot++];
                    var token = state.Next(_candidateLogits.AsSpan(at, candidates), _candidates.AsSpan(at, candidates));
                    ids[row] = token;
                    generated++;
                    active |= !state.Finished;
                }
                positions[row] = buffer.Length - padding[row];
            }
            System.Diagnostics.Debug.Assert(slot == scored);
            if (!active)
            {
                break;
            }
            count = 1;
            last = 0;
            Step(buffer, run, ids, positions, mask, stepMask, batch, 1, maxLength, logits);
        }
        Meter.AddDecode(generated, clock.Elapsed);
        return [.. states.Select(s => s.Result())];
    }

    /// <summary>
    /// The lm-head's candidates for the last output row of every unfinished sequence, in one call (the head shares its
    /// work across rows: a clustered head scores the centroids of all rows at once): row i of the call is the i-th
    /// unfinished sequence; its candidates start at i · MaxCandidates of <see cref="_candidates"/> and <see cref="_candidateLogits"/>.
    /// </summary>
    /// <returns>How many rows were scored.</returns>
    private int Candidates(float[] outputs, SequenceState[] states, int count, int last, int width)
    {
        var rows = states.Count(s => !s.Finished);
        var room = rows * _head.MaxCandidates;
        if (_candidates.Length < room)
        {
            _candidates = new int[room];
            _candidateLogits = new float[room];
        }
        if (_candidateCount.Length < rows)
        {
            _candidateCount = new int[rows];
        }
        if (_headInput.Length < rows * width)
        {
            _headInput = new float[rows * width];
        }
        var slot = 0;
        for (var row = 0; row < states.Length; row++)
        {
            if (!states[row].Finished)
            {
                outputs.AsSpan((row * count + last) * width, width).CopyTo(_headInput.AsSpan(slot++ * width));
            }
        }
        if (rows > 0)
        {
            _head.Score(new LmHeadCall
            {
                Input = _headInput.AsSpan(0, rows * width), Rows = rows, Tokens = _candidates.AsSpan(0, room), Logits = _candidateLogits.AsSpan(0, room),
                Counts = _candidateCount.AsSpan(0, rows),
            });
        }
        return rows;
    }

    private void Step(IKvCacheBuffer buffer, OperatorRunContext run, long[] ids, long[] positions, long[] mask, long[] stepMask, int batch, int count, int maxLength, float[] logits)
    {
        // The mask input is [batch, past + count]: the first columns of each row of the batch's mask.
        var columns = buffer.Length + count;
        for (var row = 0; row < batch; row++)
        {
            Array.Copy(mask, row * maxLength, stepMask, row * columns, columns);
        }
        model.Run(ids, positions, stepMask, batch, count, buffer, logits, run);
        buffer.Advance(count);
    }

    /// <summary>One sequence's generated tokens, sampler and stop checks.</summary>
    private sealed class SequenceState(GenerationRequest request, LmTokenizer tokenizer, int room)
    {
        private readonly Random _random = new(request.Seed);
        private readonly List<int> _tokens = [];
        private readonly int _limit = Math.Min(request.MaxNewTokens, room);
        private string? _text;
        private string? _reason;

        public bool Finished => _reason is not null;

        /// <param name="logits">The lm-head's candidates' logits.</param>
        /// <param name="candidates">Their token ids (all tokens in id order with lm-head/dense).</param>
        public int Next(ReadOnlySpan<float> logits, ReadOnlySpan<int> candidates)
        {
            var token = candidates[TokenSampler.Sample(logits, request.Temperature, request.TopP, _random)];
            _tokens.Add(token);
            if ((request.StopAtEndOfText && token == tokenizer.EndOfText) || request.StopTokens.Contains(token))
            {
                _reason = "stop";
                return token;
            }
            // Stop strings need the text so far; without any, the text is decoded once, at the end.
            if (request.StopStrings.Count > 0)
            {
                var text = tokenizer.Decode(_tokens.ToArray());
                foreach (var stop in request.StopStrings)
                {
                    var at = text.IndexOf(stop, StringComparison.Ordinal);
                    if (at >= 0)
                    {
                        _text = text[..at];
                        _reason = "stop";
                        return token;
                    }
                }
            }
            if (_tokens.Count >= _limit)
            {
                _reason = "length";
            }
            return token;
        }

        public GenerationResult Result() => new(_text ?? Text(), _tokens, _reason ?? "length");

        /// <summary>The generated text; a final stop token is not part of it.</summary>
        private string Text() => tokenizer.Decode(_reason == "stop" ? _tokens.ToArray().AsSpan(0, _tokens.Count - 1) : _tokens.ToArray());
    }
}
