using System.CommandLine;

namespace Sieve.Host.Cli;

/// <summary>The options every verb takes: where settings come from, and how much to say when something fails.</summary>
internal static class GlobalOptions
{
    public const string ConfigName = "--config", SetName = "--set", VerboseName = "--verbose";

    /// <summary>The option names that take a value, for finding the verb among the arguments.</summary>
    public static readonly IReadOnlySet<string> TakingValue = new HashSet<string>(StringComparer.Ordinal) { ConfigName, "-c", SetName };

    public static Option<string?> Config() => new(ConfigName, "-c")
    {
        Description = "The configuration file (default: appsettings.json next to the sieve binary).",
        HelpName = "FILE",
        Recursive = true,
    };

    public static Option<List<KeyValuePair<string, string?>>> Set() => new(SetName)
    {
        Description = "Overrides one setting, e.g. Sieve:Device=cuda (repeatable; wins over the file and environment variables).",
        HelpName = "KEY=VALUE",
        Recursive = true,
        DefaultValueFactory = _ => [],
        CustomParser = result =>
        {
            var settings = new List<KeyValuePair<string, string?>>();
            foreach (var token in result.Tokens)
            {
                var equals = token.Value.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    result.AddError($"--set expects Key=Value (e.g. Sieve:Device=cpu), got '{token.Value}'.");
                    continue;
                }
                settings.Add(new(token.Value[..equals], token.Value[(equals + 1)..]));
            }
            return settings;
        },
    };

    public static Option<bool> Verbose() => new(VerboseName)
    {
        Description = "On an error, print the stack trace and the host's own log too.",
        Arity = ArgumentArity.Zero,
        Recursive = true,
    };
}
