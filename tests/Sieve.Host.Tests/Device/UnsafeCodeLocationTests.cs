using System.Text.RegularExpressions;
using System.Xml.Linq;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Device;

/// <summary>
/// What the host's project files state: unsafe code lives only in the ORT bridge (Sieve.Onnx's Onnx/Bridge) and the CUDA
/// driver layer (Sieve.Cuda), and only those two projects allow it.
/// </summary>
public partial class UnsafeCodeLocationTests
{
    private static readonly string[] Allowed = [Path.Combine("Sieve.Onnx", "Onnx", "Bridge"), "Sieve.Cuda"];

    private static readonly string[] AllowingProjects = [Path.Combine("Sieve.Cuda", "Sieve.Cuda.csproj"), Path.Combine("Sieve.Onnx", "Sieve.Onnx.csproj")];

    private static string Host => Path.Combine(TestPaths.RepoRoot, "host");

    [Fact]
    public void HostSources_UnsafeKeyword_OnlyInTheOrtBridgeAndTheCudaDriverLayer()
    {
        var outside = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Host, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Host, file);
            if (IsBuildOutput(relative) || Allowed.Any(folder => relative.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
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
        Assert.True(outside.Count == 0, "unsafe outside host/Sieve.Onnx/Onnx/Bridge and host/Sieve.Cuda:\n" + string.Join('\n', outside));
    }

    [Fact]
    public void HostProjects_AllowUnsafeBlocks_OnlyTheOnnxAndCudaLayers()
    {
        var allowing = Directory.EnumerateFiles(Host, "*.csproj", SearchOption.AllDirectories)
            .Where(project => !IsBuildOutput(Path.GetRelativePath(Host, project)))
            .Where(project => XDocument.Load(project).Descendants("AllowUnsafeBlocks").Any(e => string.Equals(e.Value.Trim(), "true", StringComparison.OrdinalIgnoreCase)))
            .Select(project => Path.GetRelativePath(Host, project))
            .Order(StringComparer.Ordinal);
        Assert.Equal(AllowingProjects, allowing);
    }

    private static bool IsBuildOutput(string relative) =>
        relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj");

    [GeneratedRegex(@"\bunsafe\b")]
    private static partial Regex UnsafeKeyword();
}
