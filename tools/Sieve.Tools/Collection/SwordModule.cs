namespace Sieve.Tools.Collection;

/// <summary>
/// A SWORD module as its <c>mods.d/*.conf</c> describes it: where its data lie, how they are stored, its version.
/// </summary>
internal sealed record SwordModule(string Name, string DataPath, string Driver, string CompressType, string? Version, string? Description)
{
    /// <summary>The Debian packages that provide the modules and tool this collection uses.</summary>
    public const string InstallHint = "apt-get install sword-text-web sword-dict-naves diatheke";

    /// <summary>Finds module <paramref name="name"/> (case-insensitive) in <paramref name="swordRoot"/>/mods.d.</summary>
    /// <exception cref="SieveException">The library, the module or its data are missing, or it is not stored by <paramref name="driver"/>.</exception>
    public static SwordModule Find(string swordRoot, string name, string driver, string what)
    {
        var modsDirectory = Path.Combine(swordRoot, "mods.d");
        if (!Directory.Exists(modsDirectory))
        {
            throw new SieveException(
                $"No SWORD module library at {swordRoot} (no mods.d folder), so {what} ({name}) cannot be read. Install the Debian packages: {InstallHint}.");
        }
        foreach (var conf in Directory.EnumerateFiles(modsDirectory, "*.conf").Order(StringComparer.Ordinal))
        {
            var module = TryRead(swordRoot, conf, name);
            if (module is null)
            {
                continue;
            }
            if (!string.Equals(module.Driver, driver, StringComparison.OrdinalIgnoreCase))
            {
                throw new SieveException($"{conf}: module {name} is stored as ModDrv={module.Driver}; only {driver} is supported here.");
            }
            if (!string.Equals(module.CompressType, "ZIP", StringComparison.OrdinalIgnoreCase))
            {
                throw new SieveException($"{conf}: module {name} uses CompressType={module.CompressType}; only ZIP (zlib) is supported here.");
            }
            return module;
        }
        throw new SieveException(
            $"SWORD module {name} ({what}) is not installed in {modsDirectory}. Install the Debian packages: {InstallHint}.");
    }

    private static SwordModule? TryRead(string swordRoot, string conf, string name)
    {
        string? section = null;
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in File.ReadLines(conf))
        {
            var line = raw.Trim();
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                if (section is not null)
                {
                    break; // One module a file; stop at a second section.
                }
                section = line[1..^1];
                if (!string.Equals(section, name, StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }
                continue;
            }
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (section is not null && equals > 0 && !line.StartsWith('#'))
            {
                values.TryAdd(line[..equals].Trim(), line[(equals + 1)..].Trim());
            }
        }
        if (section is null)
        {
            return null;
        }
        if (!values.TryGetValue("DataPath", out var dataPath))
        {
            throw new SieveException($"{conf}: module {name} has no DataPath.");
        }
        var fullPath = Path.GetFullPath(Path.Combine(swordRoot, dataPath.TrimStart('.', '/')));
        return new SwordModule(section, fullPath, values.GetValueOrDefault("ModDrv", ""), values.GetValueOrDefault("CompressType", ""),
            values.GetValueOrDefault("Version"), values.GetValueOrDefault("Description"));
    }
}
