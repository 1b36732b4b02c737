namespace Sieve.Tools.Collection;

/// <summary>Installed Debian package versions, read from dpkg's status file (nothing where it is absent).</summary>
internal static class DebianPackages
{
    private const string StatusFile = "/var/lib/dpkg/status";

    public static IEnumerable<(string Package, string Version)> Versions(params string[] packages)
    {
        if (!File.Exists(StatusFile))
        {
            yield break;
        }
        var wanted = new HashSet<string>(packages, StringComparer.Ordinal);
        string? package = null;
        foreach (var line in File.ReadLines(StatusFile))
        {
            if (line.StartsWith("Package: ", StringComparison.Ordinal))
            {
                package = line["Package: ".Length..].Trim();
            }
            else if (package is not null && wanted.Contains(package) && line.StartsWith("Version: ", StringComparison.Ordinal))
            {
                yield return (package, line["Version: ".Length..].Trim());
                package = null;
            }
            else if (line.Length == 0)
            {
                package = null;
            }
        }
    }
}
