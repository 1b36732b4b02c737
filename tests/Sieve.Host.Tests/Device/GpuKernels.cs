using System.Reflection;
using System.Runtime.Loader;
using Sieve.Kernels.Gpu;

namespace Sieve.Host.Tests.Device;

/// <summary>Every method marked <see cref="GpuKernelAttribute"/> in the kernels assembly (the lexical heads' among them), the host and the plugins with GPU code.</summary>
internal static class GpuKernels
{
    private static readonly Lazy<IReadOnlyList<MethodInfo>> s_all = new(Find);

    public static IReadOnlyList<MethodInfo> All => s_all.Value;

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var kernel in All)
        {
            data.Add(Name(kernel));
        }
        return data;
    }

    public static MethodInfo ByName(string name) => All.Single(k => Name(k) == name);

    public static string Name(MethodInfo kernel) => $"{kernel.DeclaringType!.Assembly.GetName().Name}:{kernel.DeclaringType.Name}.{kernel.Name}";

    private static List<MethodInfo> Find()
    {
        var plugins = new[] { Testing.TestPaths.AttentionPluginPath, Testing.TestPaths.HeadsPluginPath };
        foreach (var plugin in plugins.Where(p => !File.Exists(p)))
        {
            throw new FileNotFoundException($"A plugin with GPU kernels was not built at {plugin}.");
        }
        // Its own context, so the plugin's copy of the contract never meets the host's.
        var context = new AssemblyLoadContext("gpu-kernels", isCollectible: false);
        context.Resolving += (_, name) => AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => a.GetName().Name == name.Name);
        var assemblies = new[] { typeof(GpuKernelAttribute).Assembly, typeof(Sieve.Host.Device.ExecutionDevice).Assembly, typeof(Sieve.Tools.Bench.BenchData).Assembly }
            .Concat(plugins.Select(context.LoadFromAssemblyPath));
        return assemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttributes().Any(a => a.GetType().FullName == typeof(GpuKernelAttribute).FullName))
            .OrderBy(Name, StringComparer.Ordinal)
            .ToList();
    }
}
