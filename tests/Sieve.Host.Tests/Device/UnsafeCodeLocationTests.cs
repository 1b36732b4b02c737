using System.Text.RegularExpressions;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Device;

/// <summary>What host/Sieve.Host.csproj states: unsafe code lives only in the ORT bridge and the CUDA driver layer.</summary>
public partial class UnsafeCodeLocationTests
{
    private static readonly string[] Allowed = [Path.Combine("Onnx", "Bridge"), "Sieve.Cuda"];

    [Fact]
    public void HostSources_UnsafeKeyword_OnlyInTheOrtBridgeAndTheCudaDriverLayer()
    {
        var host = Path.Combine(TestPaths.RepoRoot, "host");
        var outside = new List<string>();
        foreach (var file in Directory.EnumerateFiles(host, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(host, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal)
                || Allowed.Any(folder => relative.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            {
                continue;
            }
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                // Code before any line comment; the keyword, not the word in a comment.
                var code = lines[i].Split("//", 2)[0];
                if (UnsafeKeyword().IsMatch(code))
                {
                    outside.Add($"{relative}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }
        Assert.True(outside.Count == 0, "unsafe outside host/Onnx/Bridge and host/Sieve.Cuda:\n" + string.Join('\n', outside));
    }

    [GeneratedRegex(@"\bunsafe\b")]
    private static partial Regex UnsafeKeyword();
}
