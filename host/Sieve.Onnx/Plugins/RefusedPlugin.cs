namespace Sieve.Host.Plugins;

/// <summary>A plugin folder or DLL the host refused, and why.</summary>
internal sealed record RefusedPlugin(string Path, string Reason);
