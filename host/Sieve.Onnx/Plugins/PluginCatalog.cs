using System.Reflection;
using System.Reflection.PortableExecutable;
using McMaster.NETCore.Plugins;
using Sieve.Abstractions;
using Sieve.Host.Operators;

namespace Sieve.Host.Plugins;

/// <summary>
/// Discovers drop-in plugins: each sub-folder of the plugins path whose <c>&lt;folder&gt;.dll</c> is a plugin is loaded
/// into its own load context that shares only the contract (and the framework) with the host. A refused plugin is
/// recorded with its reason and never stops the others. Plugins stay loaded for the life of the process: sessions
/// hold function pointers into them.
/// </summary>
internal sealed class PluginCatalog
{
    private readonly List<LoadedPlugin> _loaded = [];
    private readonly List<RefusedPlugin> _refused = [];
    private readonly List<PluginLoader> _loaders = [];

    public PluginCatalog(string pluginsPath)
    {
        PluginsPath = pluginsPath;
        Operators.AddRange(OperatorRegistry.BuiltIns());
        if (Directory.Exists(pluginsPath))
        {
            foreach (var folder in Directory.GetDirectories(pluginsPath).Order(StringComparer.Ordinal))
            {
                LoadFolder(folder);
            }
        }
    }

    public string PluginsPath { get; }

    public OperatorCatalog Operators { get; } = new();

    public IReadOnlyList<LoadedPlugin> Loaded => _loaded;

    public IReadOnlyList<RefusedPlugin> Refused => _refused;

    private void LoadFolder(string folder)
    {
        var mainAssembly = Path.Combine(folder, Path.GetFileName(folder) + ".dll");
        if (!File.Exists(mainAssembly))
        {
            var dlls = Directory.GetFiles(folder, "*.dll");
            _refused.Add(new RefusedPlugin(folder, dlls.Length == 0
                ? "the folder holds no DLL"
                : $"no main assembly: expected {Path.GetFileName(mainAssembly)} (the folder's name), found {string.Join(", ", dlls.Select(Path.GetFileName))}"));
            return;
        }
        try
        {
            Accept(mainAssembly);
        }
        catch (PluginRefusedException refused)
        {
            _refused.Add(new RefusedPlugin(mainAssembly, refused.Message));
        }
#pragma warning disable CA1031 // A plugin may fail in any way; it must never stop the others.
        catch (Exception unexpected)
#pragma warning restore CA1031
        {
            _refused.Add(new RefusedPlugin(mainAssembly, $"could not be loaded: {unexpected.GetType().Name}: {unexpected.Message}"));
        }
    }

    private void Accept(string mainAssembly)
    {
        if (!IsManagedAssembly(mainAssembly))
        {
            throw new PluginRefusedException("not a .NET assembly");
        }
        var loader = PluginLoader.CreateFromAssemblyFile(mainAssembly, [typeof(ISievePlugin)], config => config.PreferSharedTypes = true);
        var assembly = loader.LoadDefaultAssembly();
        var declared = assembly.GetCustomAttribute<SieveContractVersionAttribute>()
            ?? throw new PluginRefusedException($"it does not declare the contract it was built against: add [assembly: SieveContractVersion(SieveContract.Major, SieveContract.Minor)] (host contract {SieveContract.Text})");
        if (!SieveContract.Accepts(declared.Major, declared.Minor))
        {
            throw new PluginRefusedException($"contract version mismatch: built against {declared.Major}.{declared.Minor}, this host has {SieveContract.Text}");
        }
        if (VersionMismatch(assembly) is { } mismatch)
        {
            throw new PluginRefusedException(mismatch);
        }
        var plugin = CreateEntryPoint(assembly);
        var name = plugin.Name;
        if (_loaded.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new PluginRefusedException($"a plugin named '{name}' is already loaded");
        }
        var registry = new OperatorRegistry(name);
        try
        {
            plugin.Register(registry);
        }
#pragma warning disable CA1031 // Reported as the plugin's refusal.
        catch (Exception thrown)
#pragma warning restore CA1031
        {
            throw new PluginRefusedException($"its entry point {plugin.GetType().FullName}.Register threw {thrown.GetType().Name}: {thrown.Message}");
        }
        var clash = Operators.FindClash(registry.Added);
        if (clash is not null)
        {
            throw new PluginRefusedException($"{clash.FullName} is already registered by '{clash.Origin}'");
        }
        Operators.AddRange(registry.Added);
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "?";
        _loaded.Add(new LoadedPlugin(name, version, $"{declared.Major}.{declared.Minor}", mainAssembly,
            registry.Added.Select(i => i.FullName).ToList()));
        _loaders.Add(loader);
    }

    /// <summary>
    /// The shared assemblies versioned with the contract (the contract itself, the kernels plugins compile against) that
    /// the plugin references at another major version or a newer minor one: the host provides its own copy, so a call
    /// into a changed member would fail later with a MissingMethodException.
    /// </summary>
    private static string? VersionMismatch(Assembly plugin)
    {
        foreach (var shared in SharedAssemblies)
        {
            var reference = plugin.GetReferencedAssemblies().FirstOrDefault(r => r.Name == shared.Name);
            if (reference?.Version is { } built && shared.Version is { } host && (built.Major != host.Major || built.Minor > host.Minor))
            {
                return $"built against {shared.Name} {built.Major}.{built.Minor}, this host has {host.Major}.{host.Minor}";
            }
        }
        return null;
    }

    private static readonly AssemblyName[] SharedAssemblies = [typeof(ISievePlugin).Assembly.GetName(), typeof(Kernels.ParallelWork).Assembly.GetName()];

    private static ISievePlugin CreateEntryPoint(Assembly assembly)
    {
        var entryPoints = assembly.GetExportedTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ISievePlugin).IsAssignableFrom(t))
            .ToList();
        if (entryPoints.Count == 0)
        {
            throw new PluginRefusedException("no entry point: no public class implements ISievePlugin");
        }
        if (entryPoints.Count > 1)
        {
            throw new PluginRefusedException($"several entry points ({string.Join(", ", entryPoints.Select(t => t.FullName))}): a plugin has exactly one");
        }
        var type = entryPoints[0];
        if (type.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new PluginRefusedException($"its entry point {type.FullName} has no public parameterless constructor");
        }
        try
        {
            return (ISievePlugin)Activator.CreateInstance(type)!;
        }
        catch (TargetInvocationException thrown) when (thrown.InnerException is not null)
        {
            throw new PluginRefusedException($"its entry point {type.FullName} threw {thrown.InnerException.GetType().Name} when created: {thrown.InnerException.Message}");
        }
    }

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new PEReader(stream);
            return reader.HasMetadata;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    private sealed class PluginRefusedException(string reason) : Exception(reason);
}
