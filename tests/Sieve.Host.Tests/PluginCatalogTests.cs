using Microsoft.Extensions.Configuration;
using Sieve.Abstractions;
using Sieve.Host.Configuration;
using Sieve.Host.Operators;
using Sieve.Host.Plugins;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests;

[Collection(nameof(PluginCatalogTests))] // One test sets an environment variable the Clash plugin reads.
public class PluginCatalogTests
{
    [Fact]
    public void Load_GoodPlugin_IsFoundAndChosenByConfigurationAndWorks()
    {
        using var folder = new TempFolder();
        var plugins = new PluginCatalog(PluginFolder.Create(folder.File("plugins"), PluginFolder.MemoryIndex));
        Assert.Empty(plugins.Refused);
        var loaded = Assert.Single(plugins.Loaded);
        Assert.Equal("memory-index", loaded.Name);
        Assert.Equal(SieveContract.Text, loaded.Contract);
        Assert.Equal(["sparse-index/memory"], loaded.Implementations);

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sieve:Operators:sparse-index:Use"] = "memory",
            ["Sieve:Operators:sparse-index:Options:ScoreScale"] = "2",
        }).Build();
        var options = configuration.GetSection(SieveOptions.SectionName).Get<SieveOptions>()!;
        var bound = Assert.Single(new OperatorBinder(plugins).Bind(options).Global);
        var index = bound.Create<ISparseIndex>(new EmptyServices());

        var path = folder.File("index.txt");
        using (var writer = index.Create(path, "minilm/test"))
        {
            writer.Add("a", new SparseVector([1, 5], [1f, 2f]));
            writer.Add("b", new SparseVector([5, 9], [3f, 1f]));
            writer.Complete();
        }
        using var reader = index.Open(path, "minilm/test");
        var hits = reader.Search(new SparseVector([5], [1f]), 2);
        Assert.Equal([new SearchHit("b", 6f), new SearchHit("a", 4f)], hits); // ScoreScale 2 was bound
    }

    [Fact]
    public void Load_BrokenDll_IsRefusedAsNotAnAssembly_OthersStillLoad()
    {
        using var folder = new TempFolder();
        var root = PluginFolder.Create(folder.File("plugins"), PluginFolder.MemoryIndex);
        PluginFolder.AddBrokenDll(root, "Broken");
        var plugins = new PluginCatalog(root);
        Assert.Equal("memory-index", Assert.Single(plugins.Loaded).Name);
        var refused = Assert.Single(plugins.Refused);
        Assert.EndsWith("Broken.dll", refused.Path, StringComparison.Ordinal);
        Assert.Equal("not a .NET assembly", refused.Reason);
    }

    [Fact]
    public void Load_OldContract_IsRefusedNamingBothVersions()
    {
        using var folder = new TempFolder();
        var plugins = new PluginCatalog(PluginFolder.Create(folder.File("plugins"), PluginFolder.OldContract, PluginFolder.MemoryIndex));
        Assert.Single(plugins.Loaded);
        var refused = Assert.Single(plugins.Refused);
        Assert.Contains(PluginFolder.OldContract, refused.Path, StringComparison.Ordinal);
        Assert.Equal($"contract version mismatch: built against 0.9, this host has {SieveContract.Text}", refused.Reason);
    }

    [Fact]
    public void Load_BuiltAgainstOldKernels_IsRefusedNamingBothVersionsBeforeAnyCall()
    {
        using var folder = new TempFolder();
        var plugins = new PluginCatalog(PluginFolder.Create(folder.File("plugins"), PluginFolder.OldKernels, PluginFolder.MemoryIndex));
        Assert.Single(plugins.Loaded);
        var refused = Assert.Single(plugins.Refused);
        Assert.Contains(PluginFolder.OldKernels, refused.Path, StringComparison.Ordinal);
        var host = typeof(Kernels.ParallelWork).Assembly.GetName().Version!;
        Assert.Equal($"built against Sieve.Kernels 3.0, this host has {host.Major}.{host.Minor}", refused.Reason);
    }

    [Fact]
    public void Load_EntryPointThrows_IsRefusedWithItsMessage()
    {
        using var folder = new TempFolder();
        var plugins = new PluginCatalog(PluginFolder.Create(folder.File("plugins"), PluginFolder.Throwing, PluginFolder.MemoryIndex));
        Assert.Single(plugins.Loaded);
        var refused = Assert.Single(plugins.Refused);
        Assert.Contains("Register threw InvalidOperationException: the GPU kernels could not be found", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoEntryPoint_IsRefused()
    {
        using var folder = new TempFolder();
        var plugins = new PluginCatalog(PluginFolder.Create(folder.File("plugins"), PluginFolder.NoEntryPoint));
        Assert.Empty(plugins.Loaded);
        Assert.Equal("no entry point: no public class implements ISievePlugin", Assert.Single(plugins.Refused).Reason);
    }

    [Fact]
    public void Load_ImplementationAlreadyRegistered_SecondPluginIsRefused()
    {
        using var folder = new TempFolder();
        // Folders load in name order: Clash comes before MemoryIndex, so MemoryIndex is the one refused.
        var plugins = new PluginCatalog(PluginFolder.Create(folder.File("plugins"), PluginFolder.MemoryIndex, PluginFolder.Clash));
        Assert.Equal("clash", Assert.Single(plugins.Loaded).Name);
        var refused = Assert.Single(plugins.Refused);
        Assert.Contains(PluginFolder.MemoryIndex, refused.Path, StringComparison.Ordinal);
        Assert.Equal("sparse-index/memory is already registered by 'clash'", refused.Reason);
        Assert.Equal("clash", plugins.Operators.Find("sparse-index", "memory")!.Origin);
    }

    [Fact]
    public void Load_PluginNameAlreadyLoaded_SecondPluginIsRefused()
    {
        using var folder = new TempFolder();
        Environment.SetEnvironmentVariable("SIEVE_TEST_CLASH_PLUGIN_NAME", "memory-index");
        try
        {
            var plugins = new PluginCatalog(PluginFolder.Create(folder.File("plugins"), PluginFolder.MemoryIndex, PluginFolder.Clash));
            Assert.Single(plugins.Loaded);
            Assert.Equal("a plugin named 'memory-index' is already loaded", Assert.Single(plugins.Refused).Reason);
        }
        finally
        {
            Environment.SetEnvironmentVariable("SIEVE_TEST_CLASH_PLUGIN_NAME", null);
        }
    }

    [Fact]
    public void Load_FolderWithoutMainAssembly_IsRefusedNamingTheExpectedFile()
    {
        using var folder = new TempFolder();
        folder.Write("plugins/MyPlugin/Other.dll", "x");
        var plugins = new PluginCatalog(folder.File("plugins"));
        Assert.Contains("expected MyPlugin.dll", Assert.Single(plugins.Refused).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFolder_FindsNothingAndRefusesNothing()
    {
        var plugins = new PluginCatalog(Path.Combine(Path.GetTempPath(), "sieve-no-such-folder-" + Guid.NewGuid()));
        Assert.Empty(plugins.Loaded);
        Assert.Empty(plugins.Refused);
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
