using System.Reflection;

namespace Sieve.Host.Tests.Testing;

/// <summary>Where the build put the real `sieve` command, its model and the test plugins.</summary>
internal static class TestPaths
{
    public static string HostDir => Metadata("SieveHostDir");

    public static string TestPluginsDir => Metadata("TestPluginsDir");

    public static string SamplesDir => Metadata("SamplesDir");

    public static string RepoRoot => Metadata("RepoRoot");

    /// <summary>The attention plugin as the build put it in the host's drop-in folder.</summary>
    public static string AttentionPluginPath => Path.Combine(HostDir, "plugins", "Sieve.Plugins.Attention", "Sieve.Plugins.Attention.dll");

    /// <summary>The heads plugin as the build put it in the host's drop-in folder.</summary>
    public static string HeadsPluginPath => Path.Combine(HostDir, "plugins", "Sieve.Plugins.Heads", "Sieve.Plugins.Heads.dll");

    public static string ModelPath => Path.Combine(HostDir, "models", "all-MiniLM-L6-v2", "model.onnx");

    public static string VocabularyPath => Path.Combine(HostDir, "models", "all-MiniLM-L6-v2", "vocab.txt");

    public static string LmFolder => Path.Combine(HostDir, "models", "sieve-lm");

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
