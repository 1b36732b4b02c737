using Sieve.Host.Cli;

namespace Sieve.Host.Tests.Cli;

/// <summary>In-process: which verb a command line names, and the values (or declared defaults) of that verb's options.</summary>
public class CommandLineVerbTests
{
    [Fact]
    public void Parse_OptionsWithoutAVerb_MeanRun()
    {
        var line = CommandLine.Parse("--config", "c.json", "--job", "embed", "--set", "Sieve:Device=cpu");
        Assert.Equal("run", line.Verb);
        Assert.Equal("embed", line.JobName);
        Assert.Equal("c.json", line.ConfigPath);
    }

    [Fact]
    public void Parse_GlobalOptionBeforeTheVerb_KeepsTheVerb()
    {
        var line = CommandLine.Parse("--config", "c.json", "--verbose", "plugins");
        Assert.Equal("plugins", line.Verb);
        Assert.True(line.Verbose);
        Assert.Equal("c.json", line.ConfigPath);
    }

    [Fact]
    public void Parse_SetIsRepeatable_AndKeepsEqualsInTheValue()
    {
        var line = CommandLine.Parse("bench", "embed", "--set", "A:B=1", "--set", "C=x=y");
        Assert.Equal([new("A:B", "1"), new("C", "x=y")], line.Settings);
    }

    [Fact]
    public void Parse_BenchKind_ReadsGivenValuesAndDeclaredDefaults()
    {
        var line = CommandLine.Parse("bench", "attention", "--lengths", "64,128", "--density", "0.5", "--kernels-only");
        Assert.Equal(("bench", "attention"), (line.Verb, line.Kind));
        Assert.Equal([64, 128], line.Value<List<int>>("--lengths"));
        Assert.Equal([32, 64, 128], line.Value<List<int>>("--head-sizes"));
        Assert.Equal(12, line.Value<int>("--heads"));
        Assert.Equal(0.5, line.Value<double>("--density"));
        Assert.True(line.Has("--kernels-only"));
        Assert.False(line.Has("--pipelines-only"));
        Assert.Empty(line.Value<string[]>("--attention")); // every attention
        Assert.Null(CommandLine.Parse("bench", "embed").Value<int?>("--batch-size")); // the job's
        Assert.Empty(CommandLine.Parse("eval", "lm").Value<List<int>>("--contexts")); // the model's
    }

    [Fact]
    public void Value_OfAnOptionTheVerbDoesNotDeclare_Throws()
    {
        var line = CommandLine.Parse("bench", "embed");
        Assert.Throws<ArgumentException>(() => line.Value<int>("--heads"));
        Assert.Throws<ArgumentException>(() => CommandLine.Parse("plugins").JobName);
    }

    [Fact]
    public void Parse_HelpRequest_ReturnsNoCommandLine()
    {
        Assert.Null(CommandLine.Parse(["help", "run"], out _));
        Assert.Null(CommandLine.Parse(["eval", "lm", "-h"], out _));
    }

    /// <summary>Every option each runner in tools/Sieve.Tools (Bench, Eval) reads, with the type it reads it as.</summary>
    public static TheoryData<string[], string, Type> RunnerReads => new()
    {
        { ["bench", "embed"], "--records", typeof(int) }, { ["bench", "embed"], "--batch-size", typeof(int?) }, { ["bench", "embed"], "--repeat", typeof(int) },
        { ["bench", "attention"], "--repeat", typeof(int) }, { ["bench", "attention"], "--records", typeof(int) },
        { ["bench", "attention"], "--batch-size", typeof(int) },
        { ["bench", "lexical-head"], "--batch-size", typeof(int) }, { ["bench", "lexical-head"], "--lengths", typeof(List<int>) },
        { ["bench", "lexical-head"], "--repeat", typeof(int) },
        { ["bench", "generate"], "--model", typeof(string) }, { ["bench", "generate"], "--lengths", typeof(int) },
        { ["bench", "generate"], "--new-tokens", typeof(int) }, { ["bench", "generate"], "--repeat", typeof(int) },
        { ["bench", "generate"], "--batches", typeof(List<int>) }, { ["bench", "generate"], "--attention", typeof(string[]) },
        { ["bench", "gpu-attention"], "--lengths", typeof(List<int>) }, { ["bench", "gpu-attention"], "--head-size", typeof(int) },
        { ["bench", "gpu-attention"], "--amplitude", typeof(double) }, { ["bench", "gpu-attention"], "--kernels", typeof(string[]) },
        { ["bench", "gpu-attention"], "--top-k-blocks", typeof(int) }, { ["bench", "gpu-attention"], "--json", typeof(string) },
        { ["eval", "embed-fidelity"], "--densities", typeof(List<double>) }, { ["eval", "embed-fidelity"], "--block-size", typeof(int) },
        { ["eval", "embed-fidelity"], "--texts", typeof(int) },
        { ["eval", "retrieval"], "--model", typeof(string) }, { ["eval", "retrieval"], "--collection", typeof(string) },
        { ["eval", "retrieval"], "--docs", typeof(int?) }, { ["eval", "retrieval"], "--queries", typeof(int?) },
        { ["eval", "retrieval"], "--terms", typeof(int) }, { ["eval", "retrieval"], "--gpu-precision", typeof(string) },
        { ["eval", "retrieval"], "--head", typeof(string) }, { ["eval", "retrieval"], "--query-terms", typeof(List<int>) },
        { ["eval", "lm"], "--model", typeof(string) }, { ["eval", "lm"], "--contexts", typeof(List<int>) },
        { ["eval", "lm"], "--windows", typeof(int?) }, { ["eval", "lm"], "--lengths", typeof(List<int>) }, { ["eval", "lm"], "--per-cell", typeof(int?) },
    };

    [Theory]
    [MemberData(nameof(RunnerReads))]
    public void Runner_ReadsAnOptionItsVerbDeclares_WithTheSameType(string[] verb, string option, Type type)
    {
        var line = CommandLine.Parse(verb);
        var value = typeof(CommandLine).GetMethod(nameof(CommandLine.Value))!.MakeGenericMethod(type).Invoke(line, [option]);
        Assert.True(value is null || type.IsInstanceOfType(value) || Nullable.GetUnderlyingType(type)?.IsInstanceOfType(value) == true);
    }
}
