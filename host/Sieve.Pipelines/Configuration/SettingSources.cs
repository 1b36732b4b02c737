using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;

namespace Sieve.Host.Configuration;

/// <summary>
/// Says where a setting's value came from (the config file and its line, an environment variable, or <c>--set</c>),
/// so an error points at the place to fix. Later sources win, as in the configuration itself.
/// </summary>
internal sealed class SettingSources(IConfigurationRoot configuration, string configPath)
{
    private readonly Lazy<Dictionary<string, int>> _lines = new(() => JsonKeyLines.Read(configPath));

    /// <summary><c>(appsettings.json line 12)</c>, <c>(from --set)</c>, … or empty when unknown.</summary>
    public string Describe(string key)
    {
        foreach (var provider in configuration.Providers.Reverse())
        {
            if (!provider.TryGet(key, out _))
            {
                continue;
            }
            return provider switch
            {
                MemoryConfigurationProvider => " (from --set)",
                EnvironmentVariablesConfigurationProvider => $" (from environment variable {key.Replace(":", "__", StringComparison.Ordinal)})",
                FileConfigurationProvider => _lines.Value.TryGetValue(key, out var line) ? $" ({configPath} line {line})" : $" ({configPath})",
                _ => "",
            };
        }
        return "";
    }
}
