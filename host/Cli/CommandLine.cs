using System.CommandLine;
using System.CommandLine.Parsing;
using Sieve.Host.Jobs;
using ParsedCommand = System.CommandLine.Parsing.CommandResult;

namespace Sieve.Host.Cli;

/// <summary>
/// One parsed <c>sieve</c> command line: the verb (and the kind of <c>bench</c> or <c>eval</c>), the host-wide options,
/// and the values of the options the verb declares in <see cref="SieveCommands"/>.
/// </summary>
internal sealed class CommandLine
{
    private readonly ParseResult _parsed;

    private CommandLine(ParseResult parsed)
    {
        _parsed = parsed;
        var command = parsed.CommandResult;
        var parent = command.Parent as ParsedCommand;
        (Verb, Kind) = parent?.Command is RootCommand or null ? (command.Command.Name, null) : (parent.Command.Name, command.Command.Name);
        ConfigPath = parsed.GetValue<string?>(GlobalOptions.ConfigName);
        Settings = parsed.GetValue<List<KeyValuePair<string, string?>>>(GlobalOptions.SetName) ?? [];
        Verbose = parsed.GetValue<bool>(GlobalOptions.VerboseName);
    }

    /// <summary><c>run</c>, <c>plugins</c>, <c>inspect</c>, <c>bench</c> or <c>eval</c>.</summary>
    public string Verb { get; }

    /// <summary>The benchmark or evaluation (<c>sieve bench KIND</c>, <c>sieve eval KIND</c>); null for other verbs.</summary>
    public string? Kind { get; }

    public string? ConfigPath { get; }

    /// <summary>The <c>--set Key=Value</c> overrides, in the order given.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Settings { get; }

    /// <summary>Print stack traces and the host's own log on errors.</summary>
    public bool Verbose { get; }

    /// <summary><c>run --job NAME</c>.</summary>
    public string? JobName => Value<string?>("--job");

    /// <summary><c>run --shard i/N</c>.</summary>
    public Shard Shard => Value<Shard>("--shard");

    /// <summary>The value (or the declared default) of an option or argument of this verb.</summary>
    /// <exception cref="ArgumentException">The verb declares no such option: a bug, caught by the tests that run each verb.</exception>
    public T Value<T>(string name) => _parsed.GetValue<T>(Declared(name))!;

    /// <summary>Whether a switch (<c>--kernels-only</c>) was given.</summary>
    public bool Has(string name) => _parsed.GetValue<bool>(Declared(name));

    /// <summary>
    /// <paramref name="name"/>, once checked against the parsed verb's own options and arguments and the recursive options
    /// above it: System.CommandLine answers an undeclared name with the type's default, which would hide a misspelt read.
    /// </summary>
    private string Declared(string name)
    {
        for (SymbolResult? current = _parsed.CommandResult; current is ParsedCommand result; current = result.Parent)
        {
            var command = result.Command;
            if ((result == _parsed.CommandResult && (command.Options.Any(o => o.Name == name) || command.Arguments.Any(a => a.Name == name)))
                || command.Options.Any(o => o.Recursive && o.Name == name))
            {
                return name;
            }
        }
        throw new ArgumentException($"'{ParseErrors.CommandPath(_parsed.CommandResult)}' declares no option {name} (SieveCommands).", nameof(name));
    }

    /// <summary>Parses <paramref name="args"/> (a missing verb means <c>run</c>) into a command line or a request for help.</summary>
    /// <exception cref="SieveException">The arguments do not parse; the message says what is wrong and what was meant.</exception>
    public static CommandLine? Parse(IReadOnlyList<string> args, out ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(args);
        var root = SieveCommands.Create(NeedsTools(args) ? SieveTools.Loaded : null);
        parsed = root.Parse(WithDefaultVerb(args));
        ThrowIfToolsMissing(parsed);
        if (parsed.Action is HelpWithExamplesAction)
        {
            return null;
        }
        if (parsed.Errors.Count > 0)
        {
            throw new SieveException(ParseErrors.Describe(parsed));
        }
        if (parsed.CommandResult.Command.Name == SieveCommands.Help)
        {
            // `sieve help bench embed` is `sieve bench embed --help`.
            parsed = root.Parse([.. parsed.GetValue<string[]>("VERB") ?? [], "--help"]);
            ThrowIfToolsMissing(parsed);
            return parsed.UnmatchedTokens.Count > 0 || (parsed.Errors.Count > 0 && parsed.Action is not HelpWithExamplesAction)
                ? throw new SieveException(ParseErrors.Describe(parsed))
                : null;
        }
        return new CommandLine(parsed);
    }

    /// <summary>Parses a command line that must not be a request for help (for tests and callers without a console).</summary>
    public static CommandLine Parse(params string[] args) =>
        Parse(args, out _) ?? throw new SieveException("The arguments ask for help, not for a verb to run.");

    /// <summary>
    /// Whether the verb (the first word other than a global option's value) is <c>bench</c>, <c>eval</c> or <c>help</c>, or the
    /// root's help is asked for: only then is the tools assembly loaded.
    /// </summary>
    private static bool NeedsTools(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (GlobalOptions.TakingValue.Contains(args[i]))
            {
                i++;
            }
            else if (!args[i].StartsWith('-'))
            {
                return SieveCommands.IsToolVerb(args[i]) || args[i] is SieveCommands.Help;
            }
        }
        return args.Any(a => a is "--help" or "-h" or "-?");
    }

    private static void ThrowIfToolsMissing(ParseResult parsed)
    {
        for (SymbolResult? current = parsed.CommandResult; current is ParsedCommand result; current = result.Parent)
        {
            if (result.Command is MissingToolsVerb missing)
            {
                throw new SieveException(SieveTools.NotInstalled(missing.Name));
            }
        }
    }

    /// <summary><c>sieve --job x</c> means <c>sieve run --job x</c>: inserts <c>run</c> when no verb comes before the first other option.</summary>
    private static string[] WithDefaultVerb(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (GlobalOptions.TakingValue.Contains(arg))
            {
                i++;
                continue;
            }
            if (arg == GlobalOptions.VerboseName || arg.StartsWith(GlobalOptions.ConfigName + "=", StringComparison.Ordinal)
                || arg.StartsWith(GlobalOptions.SetName + "=", StringComparison.Ordinal))
            {
                continue;
            }
            // A word is the verb (or an unknown one, reported as such); help and version belong to the root.
            return arg.StartsWith('-') && arg is not ("--help" or "-h" or "-?" or "--version") ? [SieveCommands.Run, .. args] : [.. args];
        }
        return [SieveCommands.Run, .. args];
    }
}
