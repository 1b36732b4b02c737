using Sieve.Host.Configuration;

namespace Sieve.Tools.Cli;

/// <summary>A tool's MODEL argument: a name under <c>Sieve:Models</c>, or an .onnx path with its tokenizer beside it.</summary>
internal static class ModelArgument
{
    /// <summary>The .onnx file and its tokenizer file (the configured one, else the first of <paramref name="tokenizerFiles"/> beside the model, else null).</summary>
    public static (string Model, string? Tokenizer) Resolve(string model, SieveOptions options, ConfigPaths paths, IReadOnlyList<string> tokenizerFiles)
    {
        if (options.Models.TryGetValue(model, out var configured))
        {
            var path = paths.Resolve(configured.Path);
            if (configured.Tokenizer is { Length: > 0 } t)
            {
                var tokenizer = paths.Resolve(t);
                // A tokenizer folder names its file by convention.
                return (path, Directory.Exists(tokenizer) ? tokenizerFiles.Select(f => Path.Combine(tokenizer, f)).FirstOrDefault(File.Exists) : tokenizer);
            }
            return (path, Beside(path, tokenizerFiles));
        }
        var file = Path.GetFullPath(model);
        if (!File.Exists(file))
        {
            throw new SieveException($"Model {model} is neither a file nor a model under Sieve:Models ({string.Join(", ", options.Models.Keys)}).");
        }
        return (file, Beside(file, tokenizerFiles));
    }

    private static string? Beside(string model, IReadOnlyList<string> tokenizerFiles) =>
        tokenizerFiles.Select(f => Path.Combine(Path.GetDirectoryName(model)!, f)).FirstOrDefault(File.Exists);
}
