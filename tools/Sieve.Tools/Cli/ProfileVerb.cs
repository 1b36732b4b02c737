using System.CommandLine;
using Sieve.Host.Cli;

namespace Sieve.Tools.Cli;

/// <summary><c>sieve profile MODEL</c>: the options it reads.</summary>
internal static class ProfileVerb
{
    public static SieveVerb Create() => new(SieveCommands.Profile,
        "Profiles a causal LM's attention on calibration text and writes a layer-reuse policy for attention/layer-reuse (docs/layer-reuse.md).",
        "sieve profile sieve-lm --data calib.txt --out models/sieve-lm/layer-reuse.json",
        "sieve profile models/sieve-lm/model.onnx --data calib.txt --out policy.json --context 4096 --windows 4 --dense-layers 1 --compute-budget 3")
    {
        new Argument<string>("MODEL") { Description = "An .onnx causal LM (its tokenizer_config.json beside it), or a model name under Sieve:Models." },
        VerbOptions.Text("--data", "FILE", null, "Calibration text, read as one token stream."),
        VerbOptions.Text("--out", "FILE", null, "The policy file to write."),
        VerbOptions.PositiveInt("--context", 4096, "Tokens per window."),
        VerbOptions.PositiveInt("--windows", 4, "Windows to run at most."),
        new Option<int>("--dense-layers") { Description = "The most sensitive layers that stay dense (0 or more).", HelpName = "N", DefaultValueFactory = _ => 1 },
        VerbOptions.PositiveInt("--compute-budget", 3, "The most layers that compute their own selection."),
        VerbOptions.Number("--coverage", 0.9, "The share of the attention mass a layer's sensitivity is measured at."),
        VerbOptions.PositiveInt("--sample-every", 16, "Profile every Nth query."),
        VerbOptions.PositiveInt("--top-k", 16, "Key blocks per query, forced ones counted (the run-time TopKBlocks)."),
        VerbOptions.PositiveInt("--block-size", 64, "Keys per block (the run-time BlockSize)."),
    };
}
