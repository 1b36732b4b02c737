
namespace Sieve.Host.Jobs;

/// <summary>One job as it runs: resolved paths, the settings they came from (for messages) and batching.</summary>
internal sealed record JobRun(
    string Name,
    string InputPath,
    string InputSetting,
    string OutputPath,
    string OutputSetting,
    int BatchSize,
    bool StopOnError,
    Shard Shard)
{
    /// <summary>Fails, naming the file and its setting, when the input is missing (checked before a model is loaded).</summary>
    public void RequireInput()
    {
        if (!File.Exists(InputPath))
        {
            throw new SieveException($"Input file not found: {InputPath} ({InputSetting}).");
        }
    }
}
