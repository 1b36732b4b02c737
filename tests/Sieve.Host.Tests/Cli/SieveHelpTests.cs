using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Cli;

/// <summary>End-to-end: help and argument errors of the real `sieve` command (no configuration is read for either).</summary>
public class SieveHelpTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public void RootHelp_ListsEveryVerbWithAnExample_AndExitsZero(string arg)
    {
        var result = SieveProcess.Run(arg);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Usage:", result.Stdout, StringComparison.Ordinal);
        foreach (var verb in new[] { "run", "plugins", "inspect", "bench", "eval", "help" })
        {
            Assert.Matches($@"\n  {verb}\b", result.Stdout);
        }
        Assert.Contains("Examples:\n  sieve run", result.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Empty(result.Stderr);
    }

    public static TheoryData<string[], string[], string[]> VerbHelp => new()
    {
        // arguments; options its help must list; options of other verbs it must not list
        { ["run", "--help"], ["--job <NAME>", "--shard <i/N>", "--set <KEY=VALUE>", "--config <FILE>", "--verbose"], ["--records", "--rewrite"] },
        { ["help", "inspect"], ["<MODEL>", "--rewrite <OUT.onnx>"], ["--job", "--shard"] },
        { ["plugins", "-h"], ["--config <FILE>"], ["--job", "--records"] },
        { ["help", "bench", "attention"], ["--kernels-only", "--head-sizes <N[,N...]>", "[default: 12]"], ["--job", "--new-tokens"] },
        { ["bench", "generate", "--help"], ["--new-tokens <N>", "--batches <N[,N...]>"], ["--kernels-only", "--job"] },
        { ["eval", "retrieval", "-h"], ["--gpu-precision <fp32|fp16>", "--query-terms"], ["--kernels-only", "--densities"] },
        { ["help", "eval", "embed-fidelity"], ["--densities <X[,X...]>", "--texts <N>"], ["--gpu-precision", "--job"] },
    };

    [Theory]
    [MemberData(nameof(VerbHelp))]
    public void VerbHelp_ListsOnlyThatVerbsOptions_WithAnExample(string[] args, string[] listed, string[] absent)
    {
        var result = SieveProcess.Run(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var option in listed)
        {
            Assert.Contains(option, result.Stdout, StringComparison.Ordinal);
        }
        foreach (var option in absent)
        {
            Assert.DoesNotContain(option, result.Stdout, StringComparison.Ordinal);
        }
        var verb = string.Join(' ', args.Where(a => a != "help" && !a.StartsWith('-')));
        Assert.Contains($"Examples:\n  sieve {verb}", result.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "bench", "attention", "--lenghts", "64" }, "Unknown option --lenghts for 'sieve bench attention'. Did you mean --lengths?")]
    [InlineData(new[] { "run", "--jobs", "embed" }, "Unknown option --jobs for 'sieve run'. Did you mean --job?")]
    [InlineData(new[] { "--shrad", "0/2" }, "Unknown option --shrad for 'sieve run'. Did you mean --shard?")]
    [InlineData(new[] { "eval", "lm", "--confg", "x.json" }, "Unknown option --confg for 'sieve eval lm'. Did you mean --config?")]
    [InlineData(new[] { "plguins" }, "Unknown command 'plguins'. Did you mean plugins?")]
    [InlineData(new[] { "bench", "atention" }, "Unknown bench kind 'atention'. Did you mean attention?")]
    [InlineData(new[] { "help", "evaluate" }, "Unknown command 'evaluate'. Did you mean eval?")]
    public void Mistyped_NamesTheClosestKnownOne_AndExitsTwo(string[] args, string message)
    {
        var result = SieveProcess.Run(args);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("error: " + message, result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--help' for", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "plugins", "--records", "5" }, "Unknown option --records for 'sieve plugins'.")]
    [InlineData(new[] { "bench", "embed", "--kernels-only" }, "Unknown option --kernels-only for 'sieve bench embed'.")]
    [InlineData(new[] { "eval", "retrieval", "--job", "embed" }, "Unknown option --job for 'sieve eval retrieval'.")]
    public void OptionOfAnotherVerb_IsRefused(string[] args, string message)
    {
        var result = SieveProcess.Run(args);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "bench" }, "'sieve bench' needs one of: embed, attention, lexical-head, generate, quantized-matmul, kmeans, lm-head, gpu-attention.")]
    [InlineData(new[] { "bench", "embed", "--records", "0" }, "Option --records expects a positive integer, got '0'.")]
    [InlineData(new[] { "bench", "attention", "--lengths", "64,x" }, "Option --lengths expects comma-separated positive integers, got '64,x'.")]
    [InlineData(new[] { "run", "--shard", "2/2" }, "--shard expects i/N with 0 <= i < N (e.g. 0/4), got '2/2'.")]
    [InlineData(new[] { "run", "--job" }, "Option --job needs a value.")]
    public void BadValue_IsReportedBeforeAnythingRuns(string[] args, string message)
    {
        var result = SieveProcess.Run(args);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("error: " + message, result.Stderr, StringComparison.Ordinal);
    }
}
