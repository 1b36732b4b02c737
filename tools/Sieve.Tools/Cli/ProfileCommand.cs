using Microsoft.Extensions.Options;
using Sieve.Host.Cli;
using Sieve.Host.Configuration;
using Sieve.Plugins.Attention;
using Sieve.Tools.Profile;

namespace Sieve.Tools.Cli;

/// <summary><c>sieve profile MODEL --data FILE --out FILE ...</c> (its options: <see cref="ProfileVerb"/>).</summary>
internal sealed class ProfileCommand(CommandLine commandLine, IOptions<SieveOptions> options, ConfigPaths paths) : ISieveCommand
{
    public Task<int> ExecuteAsync(CancellationToken cancellation)
    {
        var model = commandLine.Value<string>("MODEL");
        var data = commandLine.Value<string?>("--data") ?? throw new SieveException("sieve profile needs --data FILE (calibration text).");
        var output = commandLine.Value<string?>("--out") ?? throw new SieveException("sieve profile needs --out FILE (the policy to write).");
        var dense = commandLine.Value<int>("--dense-layers");
        if (dense < 0)
        {
            throw new SieveException($"--dense-layers must be 0 or more, got {dense}.");
        }
        var coverage = commandLine.Value<double>("--coverage");
        if (coverage is <= 0 or > 1)
        {
            throw new SieveException($"--coverage must be in (0, 1], got {coverage}.");
        }
        var (modelPath, tokenizer) = Resolve(model);
        var attention = new BlockSparseAttentionOptions { TopKBlocks = commandLine.Value<int>("--top-k"), BlockSize = commandLine.Value<int>("--block-size") };
        var request = new ProfileRequest(Path.GetFileNameWithoutExtension(model) is "model" ? Path.GetFileName(Path.GetDirectoryName(modelPath)!) : model,
            modelPath, tokenizer, Path.GetFullPath(data), Path.GetFullPath(output), commandLine.Value<int>("--context"), commandLine.Value<int>("--windows"),
            dense, commandLine.Value<int>("--compute-budget"), coverage, commandLine.Value<int>("--sample-every"), attention);
        var policy = LayerProfiling.Run(request, Console.Error);
        Directory.CreateDirectory(Path.GetDirectoryName(request.OutPath)!);
        policy.Write(request.OutPath);
        Console.Error.WriteLine($"wrote {request.OutPath}");
        return Task.FromResult(ExitCodes.Success);
    }

    /// <summary>The .onnx file and its tokenizer_config.json: a name under Sieve:Models, or a path with the tokenizer beside it.</summary>
    private (string Model, string Tokenizer) Resolve(string model)
    {
        var (path, tokenizer) = ModelArgument.Resolve(model, options.Value, paths, ["tokenizer_config.json"]);
        return tokenizer is not null && File.Exists(tokenizer) ? (path, tokenizer)
            : throw new SieveException($"sieve profile needs a causal LM with its tokenizer_config.json beside it or configured; {model} has none.");
    }
}
