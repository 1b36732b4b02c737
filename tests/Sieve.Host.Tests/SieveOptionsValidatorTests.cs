using Sieve.Host.Configuration;

namespace Sieve.Host.Tests;

public class SieveOptionsValidatorTests
{
    private static SieveOptions Valid()
    {
        var options = new SieveOptions();
        options.Models["minilm"] = new ModelOptions { Path = "m.onnx", Tokenizer = "v.txt" };
        options.Jobs.Add(new JobOptions { Name = "embed", Pipeline = "embed", Model = "minilm", Input = "in.jsonl", Output = "out.jsonl" });
        return options;
    }

    private static IEnumerable<string> Errors(SieveOptions options) =>
        new SieveOptionsValidator().Validate(null, options).Failures ?? [];

    [Fact]
    public void Validate_ShippedShape_Succeeds() => Assert.Empty(Errors(Valid()));

    [Fact]
    public void Validate_UnknownPipeline_ListsTheAvailableOnes()
    {
        var options = Valid();
        options.Jobs[0].Pipeline = "embedd";
        Assert.Equal(["Sieve:Jobs:0:Pipeline = 'embedd' is not a pipeline. Available: embed, search, index, generate."], Errors(options));
    }

    [Fact]
    public void Validate_UnknownModel_ListsTheConfiguredOnes()
    {
        var options = Valid();
        options.Jobs[0].Model = "bert";
        Assert.Equal(["Sieve:Jobs:0:Model = 'bert' is not a configured model (available: minilm)."], Errors(options));
    }

    [Fact]
    public void Validate_BadBatchSizeAndDevice_NameKeyValueAndRange()
    {
        var options = Valid();
        options.Jobs[0].BatchSize = 0;
        options.Device = "tpu";
        var errors = Errors(options).ToList();
        Assert.Contains("Sieve:Jobs:0:BatchSize = 0 is invalid: must be between 1 and 4096.", errors);
        Assert.Contains("Sieve:Device = 'tpu' is not supported. Allowed: cpu, cuda.", errors);
    }

    [Fact]
    public void Validate_DuplicateJobNamesAndEmptyPaths_AreReported()
    {
        var options = Valid();
        options.Jobs.Add(new JobOptions { Name = "EMBED", Pipeline = "embed", Model = "minilm", Input = "", Output = " " });
        var errors = Errors(options).ToList();
        Assert.Contains("Sieve:Jobs:1:Name = 'EMBED' is used by an earlier job: job names must be unique.", errors);
        Assert.Contains("Sieve:Jobs:1:Input is empty: give the input JSONL file.", errors);
        Assert.Contains("Sieve:Jobs:1:Output is empty: give the output JSONL file.", errors);
    }

    [Fact]
    public void Validate_SearchWithoutCorpus_IsReported()
    {
        var options = Valid();
        options.Jobs[0].Pipeline = "search";
        Assert.Contains(Errors(options), e => e.StartsWith("Sieve:Jobs:0:Corpus is empty", StringComparison.Ordinal));
    }
}
