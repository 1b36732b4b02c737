using System.Text.RegularExpressions;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests;

/// <summary>The runtime's sources know attention only through its pass and its slot descriptor (issue 15).</summary>
public partial class HostSourceTests
{
    [Fact]
    public void HostSources_MentionAttentionOnlyInItsPassAndDescriptor()
    {
        var host = Path.Combine(TestPaths.RepoRoot, "host");
        var pass = Path.Combine(host, "Sieve.Onnx", "Onnx", "Passes", "Attention") + Path.DirectorySeparatorChar;
        var descriptor = Path.Combine(host, "Sieve.Onnx", "Slots", "AttentionSlot.cs");
        var offenders = Directory.EnumerateFiles(host, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => !f.StartsWith(pass, StringComparison.Ordinal) && f != descriptor)
            // The models' own input attention_mask is a name, not the operator.
            .Where(f => Attention().IsMatch(File.ReadAllText(f).Replace("attention_mask", "", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(TestPaths.RepoRoot, f))
            .ToList();
        Assert.Empty(offenders);
    }

    [GeneratedRegex("attention", RegexOptions.IgnoreCase)]
    private static partial Regex Attention();
}
