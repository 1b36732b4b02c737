using System.Text.Json;
using Sieve.Host.Generation;
using Sieve.Host.Jobs;

namespace Sieve.Host.Tests.Generation;

public class GenerationRecordTests
{
    private static readonly LmTokenizer Tokenizer = SieveLm.Tokenizer();
    private static readonly GenerationDefaults Defaults = new(16, 0, 1, 0);

    private static GenerationRequest Parse(string json, int context = 4096)
    {
        var body = JsonDocument.Parse(json).RootElement.Clone();
        return GenerationRecord.Parse(new InputRecord(1, 0, "r", "\"r\"", body), Tokenizer, Defaults, context);
    }

    [Fact]
    public void Parse_FullRecord_ReadsEveryField()
    {
        var request = Parse("""{"id":"r","prompt":"In the beginning","max_new_tokens":5,"temperature":0.7,"top_p":0.9,"seed":3,"stop":["\n","<|endoftext|>"]}""");

        Assert.Equal(Tokenizer.Encode("In the beginning"), request.Prompt);
        Assert.Equal(5, request.MaxNewTokens);
        Assert.Equal(0.7f, request.Temperature);
        Assert.Equal(0.9f, request.TopP);
        Assert.Equal(3, request.Seed);
        Assert.Equal(["\n"], request.StopStrings);
        Assert.Equal([Tokenizer.EndOfText], request.StopTokens);
    }

    [Fact]
    public void Parse_OnlyPrompt_TakesTheJobsDefaults()
    {
        var request = Parse("""{"id":"r","prompt":"Hello","stop":"."}""");

        Assert.Equal(16, request.MaxNewTokens);
        Assert.Equal(0, request.Temperature);
        Assert.Equal(["."], request.StopStrings);
    }

    [Theory]
    [InlineData("""{"id":"r","prompt":""}""", "empty prompt")]
    [InlineData("""{"id":"r"}""", "no \"prompt\" string")]
    [InlineData("""{"id":"r","prompt":"x","max_new_tokens":0}""", "\"max_new_tokens\" = 0: must be at least 1")]
    [InlineData("""{"id":"r","prompt":"x","max_new_tokens":-4}""", "\"max_new_tokens\" = -4: must be at least 1")]
    [InlineData("""{"id":"r","prompt":"x","stop":["<|nope|>"]}""", "unknown stop token <|nope|>")]
    [InlineData("""{"id":"r","prompt":"x","stop":[1]}""", "\"stop\" entries must be non-empty strings")]
    [InlineData("""{"id":"r","prompt":"x","top_p":0}""", "\"top_p\" = 0: must be in (0, 1]")]
    [InlineData("""{"id":"r","prompt":"x","temperature":-1}""", "\"temperature\" = -1")]
    [InlineData("""{"id":"r","prompt":"x","seed":"a"}""", "\"seed\" must be an integer")]
    public void Parse_BadRecord_ThrowsNamingTheField(string json, string message)
    {
        var error = Assert.Throws<RecordException>(() => Parse(json));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PromptLongerThanContext_ThrowsWithBothLengths()
    {
        var prompt = string.Join(' ', Enumerable.Repeat("word", 40));

        var error = Assert.Throws<RecordException>(() => Parse($$"""{"id":"r","prompt":"{{prompt}}"}""", context: 32));

        Assert.Contains($"prompt of {Tokenizer.Encode(prompt).Length} tokens does not fit the model's context of 32 tokens", error.Message, StringComparison.Ordinal);
    }
}
