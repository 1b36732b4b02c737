using Sieve.Host.Cli;

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
    Shard Shard);
