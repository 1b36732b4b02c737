namespace Sieve.Host.Plugins;

/// <summary>A plugin the host accepted.</summary>
internal sealed record LoadedPlugin(string Name, string Version, string Contract, string AssemblyPath, IReadOnlyList<string> Implementations);
