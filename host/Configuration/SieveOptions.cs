namespace Sieve.Host.Configuration;

/// <summary>The <c>Sieve</c> configuration section: the public surface users script against.</summary>
public sealed class SieveOptions
{
    public const string SectionName = "Sieve";

    /// <summary><c>cpu</c> (the CUDA path arrives with its own issue).</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>The drop-in folder: each sub-folder holding a plugin DLL is one plugin.</summary>
    public string PluginsPath { get; set; } = "plugins";

    /// <summary>Models by name.</summary>
    public Dictionary<string, ModelOptions> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Which implementation fills each operator slot, by slot name.</summary>
    public Dictionary<string, OperatorSelection> Operators { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Batch jobs, run in order by <c>sieve run</c>.</summary>
    public List<JobOptions> Jobs { get; set; } = [];
}
