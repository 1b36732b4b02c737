using Microsoft.Extensions.Options;
using Sieve.Host.Cli;
using Sieve.Host.Configuration;
using Sieve.Plugins.Quantization;
using Sieve.Tools.Quantize;

namespace Sieve.Tools.Cli;

/// <summary><c>sieve quantize MODEL --bits 3|4 --out DIR ...</c> (its options: <see cref="QuantizeVerb"/>).</summary>
internal sealed class QuantizeCommand(CommandLine commandLine, IOptions<SieveOptions> options, ConfigPaths paths) : ISieveCommand
{
    public Task<int> ExecuteAsync(CancellationToken cancellation)
    {
        var model = commandLine.Value<string>("MODEL");
        var output = commandLine.Value<string?>("--out") ?? throw new SieveException("sieve quantize needs --out DIR (the folder to write the quantized model to).");
        var settings = new QuantizationSettings(commandLine.Value<int>("--bits"), commandLine.Value<double>("--outliers"), commandLine.Value<double>("--sensitive"));
        var (modelPath, tokenizer) = Resolve(model);
        var request = new QuantizeRequest(modelPath, Path.GetFullPath(output), settings, commandLine.Value<string?>("--method") ?? "squeeze", tokenizer,
            commandLine.Value<string?>("--calibration"), commandLine.Value<string?>("--sensitivity"),
            commandLine.Value<int>("--calibration-tokens"), commandLine.Value<int>("--calibration-context"));
        ModelQuantizer.Run(request, Console.Error);
        return Task.FromResult(ExitCodes.Success);
    }

    private static readonly string[] TokenizerFiles = ["tokenizer_config.json", "vocab.txt"];

    /// <summary>The .onnx file and its tokenizer: a name under Sieve:Models, or a path with the tokenizer beside it.</summary>
    private (string Model, string? Tokenizer) Resolve(string model) => ModelArgument.Resolve(model, options.Value, paths, TokenizerFiles);
}
