using System.Reflection;

namespace Sieve.Host.Tests.Testing;

/// <summary>Where the build put the real `sieve` command, its model and the test plugins.</summary>
internal static class TestPaths
{
    public static string HostDir => Metadata("SieveHostDir");

    public static string TestPluginsDir => Metadata("TestPluginsDir");

    public static string SamplesDir => Metadata("SamplesDir");

    public static string ModelPath => Path.Combine(HostDir, "models", "all-MiniLM-L6-v2", "model.onnx");

    public static string VocabularyPath => Path.Combine(HostDir, "models", "all-MiniLM-L6-v2", "vocab.txt");

    public static string LmFolder => Path.Combine(HostDir, "models", "sieve-lm");

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
