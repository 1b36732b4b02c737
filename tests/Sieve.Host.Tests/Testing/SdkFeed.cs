using Sieve.Abstractions;

namespace Sieve.Host.Tests.Testing;

/// <summary>
/// A local folder feed holding the Sieve.Abstractions and Sieve.Kernels packages (packed from the assemblies the test
/// build made) and the Sieve.Templates package. Made once per test class; deleted when disposed.
/// </summary>
public sealed class SdkFeed : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private readonly TempFolder _folder = new();

    public SdkFeed()
    {
        var none = new Dictionary<string, string>();
        foreach (var project in new[] { "abstractions/Sieve.Abstractions.csproj", "kernels/Sieve.Kernels.csproj" })
        {
            DotnetCli.Run(_folder.Path, none, "pack", System.IO.Path.Combine(TestPaths.RepoRoot, project), "--no-build", "-c", Configuration, "-o", Path);
        }
        DotnetCli.Run(_folder.Path, none, "pack", System.IO.Path.Combine(TestPaths.RepoRoot, "templates/Sieve.Templates/Sieve.Templates.csproj"),
            "-c", Configuration, "-o", Path, "--disable-build-servers");
    }

    /// <summary>The packages' version: the contract's.</summary>
    public static string Version => $"{SieveContract.Major}.{SieveContract.Minor}.0";

    public string Path => _folder.File("feed");

    /// <summary>The path of package <paramref name="id"/> in the feed.</summary>
    public string Package(string id) => System.IO.Path.Combine(Path, $"{id}.{Version}.nupkg");

    public void Dispose() => _folder.Dispose();
}
