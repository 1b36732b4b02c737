using Sieve.Host.Cli;
using Sieve.Host.Jobs;

namespace Sieve.Host.Tests;

public class CommandLineTests
{
    [Fact]
    public void Parse_FullRunCommand_ReadsEveryOption()
    {
        var line = CommandLine.Parse(["run", "--config", "c.json", "--job", "embed", "--shard", "2/8", "--set", "Sieve:Device=cpu", "--set", "A:B=x=y"]);
        Assert.Equal("run", line.Verb);
        Assert.Equal("c.json", line.ConfigPath);
        Assert.Equal("embed", line.JobName);
        Assert.Equal(new Shard(2, 8), line.Shard);
        Assert.Equal([new("Sieve:Device", "cpu"), new("A:B", "x=y")], line.Settings);
    }

    [Fact]
    public void Parse_NoVerb_MeansRun() => Assert.Equal("run", CommandLine.Parse([]).Verb);

    [Theory]
    [InlineData("frobnicate", "Unknown command 'frobnicate'. Commands: run, plugins, inspect, bench.")]
    [InlineData("--nope", "Unknown option --nope.")]
    [InlineData("--job", "Option --job needs a value.")]
    public void Parse_BadInput_Throws(string arg, string message)
    {
        var error = Assert.Throws<SieveException>(() => CommandLine.Parse([arg]));
        Assert.StartsWith(message.TrimEnd('.'), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3/3")]
    [InlineData("1")]
    [InlineData("-1/2")]
    [InlineData("a/b")]
    [InlineData("0/0")]
    public void ShardParse_Invalid_Throws(string text) => Assert.Throws<SieveException>(() => Shard.Parse(text));

    [Fact]
    public void ShardOutputPath_NamesTheShard()
    {
        Assert.Equal(Path.Combine("out", "e.shard-1-of-4.jsonl"), new Shard(1, 4).OutputPath(Path.Combine("out", "e.jsonl")));
        Assert.Equal("e.jsonl", Shard.Whole.OutputPath("e.jsonl"));
    }

    [Fact]
    public void ParseSet_WithoutEquals_Throws() =>
        Assert.Contains("--set expects Key=Value", Assert.Throws<SieveException>(() => CommandLine.Parse(["--set", "Sieve:Device"])).Message, StringComparison.Ordinal);
}
