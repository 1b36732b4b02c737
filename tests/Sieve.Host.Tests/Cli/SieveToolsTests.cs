using Sieve.Host.Cli;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Cli;

/// <summary>
/// <c>bench</c> and <c>eval</c> live in Sieve.Tools, which <c>sieve</c> loads from its tools/ folder: a development build
/// has them; a deployment without that folder says they are not installed, and its other verbs still work.
/// </summary>
public class SieveToolsTests
{
    [Fact]
    public void Build_PutsTheToolsBesideSieve_AndBenchRunsFromThem()
    {
        Assert.True(File.Exists(Path.Combine(TestPaths.HostDir, "tools", SieveTools.AssemblyName + ".dll")), TestPaths.HostDir);
        var result = SieveProcess.Run("help", "bench", "lexical-head");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("--batch-size <N>", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void RuntimeAssembly_NeverReferencesTheTools()
    {
        var references = typeof(SieveTools).Assembly.GetReferencedAssemblies().Select(a => a.Name);
        Assert.DoesNotContain(SieveTools.AssemblyName, references);
    }

    [Theory]
    [InlineData("bench", "attention", "--lengths", "512")]
    [InlineData("eval", "lm")]
    [InlineData("help", "bench", "embed")]
    [InlineData("eval", "--help")]
    public void ToolVerb_WithoutTheToolsFolder_SaysTheyAreNotInstalledAndHowToGetThem(params string[] args)
    {
        using var deployment = DeploymentWithoutTools();
        var result = SieveProcess.RunIn(deployment.Path, args);
        Assert.True(result.ExitCode == ExitCodes.Invalid, result.ToString());
        Assert.Contains($"'sieve {(args[0] == "help" ? args[1] : args[0])}' is not installed in this deployment", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("-p:SieveTools=true", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public void OtherVerbs_WithoutTheToolsFolder_StillWork()
    {
        using var deployment = DeploymentWithoutTools();
        var plugins = SieveProcess.RunIn(deployment.Path, "plugins");
        Assert.True(plugins.ExitCode == 0, plugins.ToString());
        var help = SieveProcess.RunIn(deployment.Path, "--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Matches(@"\n  bench +Benchmarks: not installed in this deployment", help.Stdout.ReplaceLineEndings("\n"));
    }

    /// <summary>The host's folder without tools/: sieve's own files copied (its base directory is where sieve.dll is), the rest linked.</summary>
    private static TempFolder DeploymentWithoutTools()
    {
        var folder = new TempFolder();
        foreach (var entry in Directory.EnumerateFileSystemEntries(TestPaths.HostDir))
        {
            var name = Path.GetFileName(entry);
            if (name == "tools")
            {
                continue;
            }
            if (name.StartsWith("sieve.", StringComparison.Ordinal))
            {
                File.Copy(entry, folder.File(name));
            }
            else if (Directory.Exists(entry))
            {
                Directory.CreateSymbolicLink(folder.File(name), entry);
            }
            else
            {
                File.CreateSymbolicLink(folder.File(name), entry);
            }
        }
        return folder;
    }
}
