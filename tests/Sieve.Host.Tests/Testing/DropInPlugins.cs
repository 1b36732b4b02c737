using Sieve.Host.Operators;
using Sieve.Host.Plugins;

namespace Sieve.Host.Tests.Testing;

/// <summary>
/// The plugins the build put in the host's drop-in folder, loaded once per test run as the host loads them (each in its
/// own load context, sharing the contract and Sieve.Kernels), for tests that compare a built-in with a plugin.
/// </summary>
internal static class DropInPlugins
{
    private static readonly Lazy<PluginCatalog> s_catalog = new(() => new PluginCatalog(Path.Combine(TestPaths.HostDir, "plugins")));

    public static PluginCatalog Catalog => s_catalog.Value;

    /// <summary>Creates <c>slot/name</c> from the catalog (built-in or plugin) with <paramref name="options"/>.</summary>
    /// <exception cref="InvalidOperationException">Nothing of that name is registered; the message lists the refused plugins.</exception>
    public static TSlot Create<TSlot>(string slot, string name, object options, IServiceProvider services) =>
        (TSlot)Find(slot, name).Create(options, services);

    /// <summary>Creates <c>slot/name</c> with its default options (for a plugin whose options type tests cannot name).</summary>
    public static TSlot CreateWithDefaults<TSlot>(string slot, string name, IServiceProvider services)
    {
        var implementation = Find(slot, name);
        return (TSlot)implementation.Create(Activator.CreateInstance(implementation.OptionsType)!, services);
    }

    private static OperatorImplementation Find(string slot, string name) => Catalog.Operators.Find(slot, name) ?? throw new InvalidOperationException(
        $"{slot}/{name} is not registered from {Catalog.PluginsPath} (refused: {string.Join("; ", Catalog.Refused.Select(r => $"{r.Path}: {r.Reason}"))}).");
}
