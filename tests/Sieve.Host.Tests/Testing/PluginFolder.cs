namespace Sieve.Host.Tests.Testing;

/// <summary>Builds a drop-in plugins folder from the test plugins the build produced.</summary>
internal static class PluginFolder
{
    public const string MemoryIndex = "Sieve.TestPlugins.MemoryIndex";
    public const string OldContract = "Sieve.TestPlugins.OldContract";
    public const string Throwing = "Sieve.TestPlugins.Throwing";
    public const string NoEntryPoint = "Sieve.TestPlugins.NoEntryPoint";
    public const string Clash = "Sieve.TestPlugins.Clash";
    public const string FaultyAttention = "Sieve.TestPlugins.FaultyAttention";
    public const string CheckingMatMul = "Sieve.TestPlugins.CheckingMatMul";
    public const string OldKernels = "Sieve.TestPlugins.OldKernels";

    /// <summary>Copies each named test plugin's build output into <c>&lt;root&gt;/&lt;name&gt;/</c>.</summary>
    public static string Create(string root, params string[] plugins)
    {
        Directory.CreateDirectory(root);
        foreach (var plugin in plugins)
        {
            var source = Path.Combine(TestPaths.TestPluginsDir, plugin);
            var target = Path.Combine(root, plugin);
            Directory.CreateDirectory(target);
            foreach (var file in Directory.GetFiles(source))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }
        }
        return root;
    }

    /// <summary>Adds <c>&lt;root&gt;/&lt;name&gt;/&lt;name&gt;.dll</c> holding bytes that are not an assembly.</summary>
    public static void AddBrokenDll(string root, string name)
    {
        var folder = Path.Combine(root, name);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, name + ".dll"), "MZ this is not a portable executable"u8.ToArray());
    }
}
