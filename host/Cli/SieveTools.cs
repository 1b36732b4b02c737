using System.Reflection;
using System.Runtime.Loader;

namespace Sieve.Host.Cli;

/// <summary>
/// Finds the benchmark and evaluation tools: the Sieve.Tools assembly in the <c>tools/</c> folder beside <c>sieve</c>
/// (a development build puts it there; a publish copies it unless <c>-p:SieveTools=false</c>). Loaded by name into the
/// default context, so it shares the host's types, and only when the command line needs its verbs.
/// </summary>
internal static class SieveTools
{
    public const string AssemblyName = "Sieve.Tools";

    private static readonly Lazy<ISieveTools?> s_loaded = new(Load);

    /// <summary>Where a deployment carries the tools.</summary>
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "tools", AssemblyName + ".dll");

    /// <summary>The tools, or null where this deployment left them out.</summary>
    public static ISieveTools? Loaded => s_loaded.Value;

    /// <summary>What <c>sieve VERB</c> answers where the tools are absent.</summary>
    public static string NotInstalled(string verb) =>
        $"'sieve {verb}' is not installed in this deployment: the benchmark and evaluation tools ({AssemblyName}.dll) were left out "
        + $"(looked for {Path}). Publish with them (dotnet publish host -p:SieveTools=true, the default) or run a development "
        + "build (dotnet build Runtime.sln, then host/bin/<Configuration>/net10.0/sieve).";

    /// <summary>The tools assembly, or an assembly it brings along (e.g. the quantization plugin `sieve quantize` uses), in tools/.</summary>
    private static string? ToolsFile(string? name)
    {
        var file = System.IO.Path.Combine(AppContext.BaseDirectory, "tools", name + ".dll");
        return name is not null && (name == AssemblyName || name.StartsWith("Sieve.Plugins.", StringComparison.Ordinal)) && File.Exists(file) ? file : null;
    }

    private static ISieveTools? Load()
    {
        // A test process references the assembly (its deps list it); sieve itself finds it in tools/.
        AssemblyLoadContext.Default.Resolving += (context, name) =>
            ToolsFile(name.Name) is { } file ? context.LoadFromAssemblyPath(file) : null;
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName(AssemblyName));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        var implementation = assembly.GetTypes().Single(t => t is { IsClass: true, IsAbstract: false } && typeof(ISieveTools).IsAssignableFrom(t));
        return (ISieveTools)Activator.CreateInstance(implementation, nonPublic: true)!;
    }
}
