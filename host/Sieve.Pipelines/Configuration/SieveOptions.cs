namespace Sieve.Host.Configuration;

/// <summary>The <c>Sieve</c> configuration section: the public surface users script against.</summary>
public sealed class SieveOptions
{
    public const string SectionName = "Sieve";

    /// <summary><c>cpu</c>, or <c>cuda</c>: models run on ONNX Runtime's CUDA provider and operators on the GPU.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Which CUDA device (when <see cref="Device"/> is <c>cuda</c>).</summary>
    public int CudaDevice { get; set; }

    /// <summary>With <see cref="Device"/> <c>cuda</c> and no usable GPU: run on the CPU (and say so) instead of stopping.</summary>
    public bool FallBackToCpu { get; set; }

    /// <summary>The drop-in folder: each sub-folder holding a plugin DLL is one plugin.</summary>
    public string PluginsPath { get; set; } = "plugins";

    /// <summary>Models by name.</summary>
    public Dictionary<string, ModelOptions> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Which implementation fills each operator slot, by slot name.</summary>
    public Dictionary<string, OperatorSelection> Operators { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Batch jobs, run in order by <c>sieve run</c>.</summary>
    public List<JobOptions> Jobs { get; set; } = [];
}
