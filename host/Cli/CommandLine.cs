namespace Sieve.Host.Cli;

/// <summary>The parsed command line: one verb, its arguments, and the host-wide options.</summary>
internal sealed record CommandLine(
    string Verb,
    IReadOnlyList<string> Arguments,
    string? ConfigPath,
    string? JobName,
    Shard Shard,
    IReadOnlyList<KeyValuePair<string, string?>> Settings,
    IReadOnlyDictionary<string, string> Flags)
{
    public static readonly IReadOnlyList<string> Verbs = ["run", "plugins", "inspect", "bench", "eval"];

    private static readonly HashSet<string> SwitchFlags = ["--kernels-only", "--pipelines-only"];

    private static readonly HashSet<string> ValueFlags = ["--rewrite", "--records", "--batch-size", "--repeat", "--model", "--lengths", "--head-sizes", "--heads", "--density", "--densities", "--block-size", "--texts",
        "--collection", "--docs", "--queries", "--head", "--terms", "--contexts", "--windows", "--per-cell",
        "--batches", "--new-tokens", "--attention", "--query-terms", "--head-size", "--kernels", "--json", "--top-k-blocks", "--amplitude", "--gpu-precision"];

    /// <summary>Parses <paramref name="args"/>; a missing verb means <c>run</c>.</summary>
    /// <exception cref="SieveException">An unknown verb or option, or an option without its value.</exception>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        string? verb = null, config = null, job = null;
        var shard = Shard.Whole;
        var settings = new List<KeyValuePair<string, string?>>();
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        var arguments = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new SieveException($"Option {arg} needs a value.");
            switch (arg)
            {
                case "--config" or "-c":
                    config = Value();
                    break;
                case "--job":
                    job = Value();
                    break;
                case "--shard":
                    shard = Shard.Parse(Value());
                    break;
                case "--set":
                    settings.Add(ParseSetting(Value()));
                    break;
                case var flag when ValueFlags.Contains(flag):
                    flags[flag] = Value();
                    break;
                case var flag when SwitchFlags.Contains(flag):
                    flags[flag] = "true";
                    break;
                case var option when option.StartsWith('-'):
                    throw new SieveException($"Unknown option {option}. Options: --config F, --job NAME, --shard i/N, --set Key=Value, " +
                        string.Join(", ", ValueFlags.Select(f => f + " V")) + ".");
                case var word when verb is null:
                    verb = Verbs.Contains(word) ? word : throw new SieveException($"Unknown command '{word}'. Commands: {string.Join(", ", Verbs)}.");
                    break;
                default:
                    arguments.Add(arg);
                    break;
            }
        }
        return new CommandLine(verb ?? "run", arguments, config, job, shard, settings, flags);
    }

    private static KeyValuePair<string, string?> ParseSetting(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new SieveException($"--set expects Key=Value (e.g. Sieve:Device=cpu), got '{text}'.");
        }
        return new(text[..equals], text[(equals + 1)..]);
    }

    /// <summary>An integer flag's value, or <paramref name="fallback"/> when absent.</summary>
    public int IntFlag(string name, int fallback)
    {
        if (!Flags.TryGetValue(name, out var text))
        {
            return fallback;
        }
        return int.TryParse(text, out var value) && value > 0
            ? value
            : throw new SieveException($"Option {name} expects a positive integer, got '{text}'.");
    }

    /// <summary>A comma-separated list of positive integers, or <paramref name="fallback"/> when absent.</summary>
    public List<int> IntListFlag(string name, List<int> fallback)
    {
        if (!Flags.TryGetValue(name, out var text))
        {
            return fallback;
        }
        var values = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            values.Add(int.TryParse(part, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : throw new SieveException($"Option {name} expects comma-separated positive integers, got '{text}'."));
        }
        return values;
    }
}
