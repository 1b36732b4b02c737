namespace Sieve.Host.Configuration;

/// <summary>
/// Resolves relative paths in the configuration against the folder of the configuration file, so a config and the
/// files it names can move together (the shipped appsettings.json sits next to the <c>sieve</c> binary).
/// </summary>
public sealed class ConfigPaths(string baseDirectory)
{
    public string BaseDirectory { get; } = Path.GetFullPath(baseDirectory);

    public string Resolve(string path) => Path.GetFullPath(path, BaseDirectory);
}
