using Sieve.Abstractions;
using Sieve.Host.Plugins;

namespace Sieve.Host.Cli;

/// <summary><c>sieve plugins</c>: every plugin found (name, version, contract, implementations) and every one refused, with why.</summary>
internal sealed class PluginsCommand(PluginCatalog catalog) : ISieveCommand
{
    public Task<int> ExecuteAsync(CancellationToken cancellation)
    {
        var output = Console.Out;
        output.WriteLine($"Plugins folder: {catalog.PluginsPath}{(Directory.Exists(catalog.PluginsPath) ? "" : " (does not exist)")}");
        output.WriteLine($"Host contract: {SieveContract.Text}");
        output.WriteLine($"Loaded ({catalog.Loaded.Count}):");
        foreach (var plugin in catalog.Loaded)
        {
            output.WriteLine($"  {plugin.Name} {plugin.Version} (contract {plugin.Contract}) from {plugin.AssemblyPath}");
            foreach (var implementation in plugin.Implementations)
            {
                output.WriteLine($"    {implementation}");
            }
        }
        output.WriteLine($"Refused ({catalog.Refused.Count}):");
        foreach (var refused in catalog.Refused)
        {
            output.WriteLine($"  {refused.Path}: {refused.Reason}");
        }
        return Task.FromResult(ExitCodes.Success);
    }
}
