using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;
using Sieve.Abstractions;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests;

/// <summary>
/// The plugin SDK as a user outside the repository meets it: the Sieve.Abstractions and Sieve.Kernels packages and the
/// <c>sieve-plugin</c> template packed into a local feed, the template installed into a private hive, a plugin made from
/// it in a temporary folder and published against the packages alone, dropped into a plugins folder and run by the real
/// <c>sieve</c> command.
/// </summary>
[Trait("Category", "Sdk")]
public class PluginSdkTests(SdkFeed feed) : IClassFixture<SdkFeed>
{
    private static readonly string[] Texts =
    [
        "A man is eating food.", "A man is eating a piece of bread.", "A woman is playing violin.",
        "The quick brown fox jumps over the lazy dog near the riverbank at dawn, while the birds sing.", "Hi.",
    ];

    [Fact]
    public void Packages_AreVersionedWithTheContractAndCarryDocsAndReadme()
    {
        var abstractions = Nuspec("Sieve.Abstractions", "lib/net10.0/Sieve.Abstractions.xml");
        var kernels = Nuspec("Sieve.Kernels", "lib/net10.0/Sieve.Kernels.xml");
        Nuspec("Sieve.Templates", "content/SievePlugin1/.template.config/template.json");

        Assert.Equal("MIT", Element(abstractions, "license").Value);
        Assert.False(string.IsNullOrWhiteSpace(Element(kernels, "description").Value));
        var dependencies = kernels.Descendants().Where(e => e.Name.LocalName == "dependency")
            .ToDictionary(e => e.Attribute("id")!.Value, e => e.Attribute("version")!.Value);
        Assert.Equal(SdkFeed.Version, dependencies["Sieve.Abstractions"]);
        Assert.Contains("ILGPU", dependencies.Keys);
        Assert.Contains("System.Numerics.Tensors", dependencies.Keys);
    }

    [Fact]
    public void Template_BuiltFromThePackagesOutsideTheRepository_RunsAnEmbedJobWithItsImplementation()
    {
        using var root = new TempFolder();
        Assert.False(Path.GetFullPath(root.Path).StartsWith(Path.GetFullPath(TestPaths.RepoRoot), StringComparison.Ordinal),
            $"{root.Path} must be outside the repository, whose Directory.Build.props would apply");

        // The template goes into a private hive: the user's installed templates stay untouched.
        var cli = new Dictionary<string, string> { ["DOTNET_CLI_HOME"] = root.File("cli-home") };
        var hive = root.File("template-hive");
        DotnetCli.Run(root.Path, cli, "new", "install", feed.Package("Sieve.Templates"), "--debug:custom-hive", hive);
        DotnetCli.Run(root.Path, cli, "new", "sieve-plugin", "-n", "MyPlugin", "-o", root.File("src/MyPlugin"), "--debug:custom-hive", hive);

        // The local feed for Sieve.* only (source mapping), nuget.org for the rest; packages land in a temporary folder.
        root.Write("NuGet.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="sieve-local" value="{feed.Path}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="sieve-local"><package pattern="Sieve.*" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
        var plugin = root.File("plugins/MyPlugin");
        DotnetCli.Run(root.Path, new Dictionary<string, string> { ["NUGET_PACKAGES"] = root.File("nuget-packages") },
            "publish", root.File("src/MyPlugin"), "-c", "Release", "-o", plugin, "--disable-build-servers");
        Assert.True(File.Exists(Path.Combine(plugin, "MyPlugin.dll")));
        // The host provides the contract and the kernels: a copy next to the plugin would be a second, foreign one.
        Assert.False(File.Exists(Path.Combine(plugin, "Sieve.Abstractions.dll")));
        Assert.False(File.Exists(Path.Combine(plugin, "Sieve.Kernels.dll")));

        root.Write("input.jsonl", TestConfig.Records([.. Texts.Select((t, i) => ($"t{i}", t))]));
        var config = TestConfig.Write(root, TestConfig.Sieve(root.File("plugins"), jobs: TestConfig.EmbedJob()));
        var own = SieveProcess.Run("run", "--config", config);
        Assert.True(own.ExitCode == 0, own.ToString());
        var expected = Read(root.File("out/embeddings.jsonl"));
        File.Delete(root.File("out/embeddings.jsonl"));

        var result = SieveProcess.Run("run", "--config", config, "--set", "Sieve:Operators:weight-quant:Use=int8");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("weight-quant=int8 (my-plugin) on 36 nodes", result.Stdout, StringComparison.Ordinal);
        var actual = Read(root.File("out/embeddings.jsonl"));
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        var worst = 0f;
        foreach (var (id, reference) in expected)
        {
            var cosine = reference.Zip(actual[id]).Sum(p => p.First * p.Second);
            Assert.True(cosine >= 0.99f, $"{id}: cosine {cosine} between float32 and int8 weights");
            worst = Math.Max(worst, reference.Zip(actual[id]).Max(p => Math.Abs(p.First - p.Second)));
        }
        // Int8 weights really ran: the vectors moved, a little.
        Assert.True(worst > 1e-5f, $"max |float32 − int8| {worst}: the int8 weights were not used");

        // Its options are bound: only the 12 feed-forward weights (384 × 1536 each way) have 200000 elements or more.
        File.Delete(root.File("out/embeddings.jsonl"));
        var larger = SieveProcess.Run("run", "--config", config, "--set", "Sieve:Operators:weight-quant:Use=int8",
            "--set", "Sieve:Operators:weight-quant:Options:MinimumElements=200000");
        Assert.True(larger.ExitCode == 0, larger.ToString());
        Assert.Contains("weight-quant=int8 (my-plugin) on 12 nodes", larger.Stdout, StringComparison.Ordinal);
    }

    /// <summary>The package's nuspec, after checking its version, its README and <paramref name="entry"/>.</summary>
    private XElement Nuspec(string id, string entry)
    {
        using var package = ZipFile.OpenRead(feed.Package(id));
        Assert.NotNull(package.GetEntry("README.md"));
        Assert.True(package.GetEntry(entry) is not null, $"{id} has no {entry}");
        using var stream = package.GetEntry($"{id}.nuspec")!.Open();
        var nuspec = XElement.Load(stream);
        Assert.Equal(SdkFeed.Version, Element(nuspec, "version").Value);
        Assert.Equal("README.md", Element(nuspec, "readme").Value);
        return nuspec;
    }

    private static XElement Element(XElement nuspec, string name) => nuspec.Descendants().First(e => e.Name.LocalName == name);

    private static Dictionary<string, float[]> Read(string path) => File.ReadAllLines(path)
        .Select(line => JsonDocument.Parse(line).RootElement)
        .ToDictionary(e => e.GetProperty("id").GetString()!, e => e.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray());
}
