using System.CommandLine;
using System.CommandLine.Parsing;
using ParsedCommand = System.CommandLine.Parsing.CommandResult;
using Sieve.Host.Configuration;

namespace Sieve.Host.Cli;

/// <summary>
/// Turns System.CommandLine's parse errors into <c>sieve</c>'s: an unknown option or word is named with the closest
/// known one for the verb it was given to, and the message ends with where to find that verb's options.
/// </summary>
internal static class ParseErrors
{
    public static string Describe(ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        var command = parsed.CommandResult;
        var path = CommandPath(command);
        var lines = new List<string>();
        string? previous = null;
        foreach (var token in parsed.UnmatchedTokens)
        {
            // `--lenghts 3`: the 3 belongs to the unknown option, not a second mistake.
            if (token.StartsWith('-') || previous is null || !previous.StartsWith('-'))
            {
                lines.Add(Unmatched(token, command, path));
            }
            previous = token;
        }
        var needsKind = command.Command.Subcommands.Count > 0 && command.Command.Action is null;
        if (needsKind && parsed.UnmatchedTokens.Count == 0)
        {
            lines.Add($"'{path}' needs one of: {string.Join(", ", command.Command.Subcommands.Select(c => c.Name))}.");
        }
        foreach (var error in parsed.Errors)
        {
            var aboutUnmatched = parsed.UnmatchedTokens.Any(token => error.Message.Contains($"'{token}'", StringComparison.Ordinal));
            // System.CommandLine's "Required command was not provided" is said above with the choices.
            if (error.SymbolResult is OptionResult { Tokens.Count: 0 } missing && missing.Option.Arity.MinimumNumberOfValues > 0)
            {
                lines.Add($"Option {missing.Option.Name} needs a value.");
            }
            else if (!aboutUnmatched && !(needsKind && error.SymbolResult == command))
            {
                lines.Add(error.Message);
            }
        }
        lines.Add($"Run '{path} --help' for {(command.Command is RootCommand ? "the verbs and options" : "its options")}.");
        return string.Join(Environment.NewLine, lines.Distinct());
    }

    private static string Unmatched(string token, ParsedCommand command, string path)
    {
        if (token.StartsWith('-'))
        {
            var known = KnownOptions(command).ToList();
            var closest = ClosestName.Find(token.Split('=')[0], known);
            return $"Unknown option {token} for '{path}'." + (closest is null ? "" : $" Did you mean {closest}?");
        }
        var subcommands = command.Command.Subcommands.Select(c => c.Name).ToList();
        if (subcommands.Count == 0)
        {
            return $"Unexpected argument '{token}' for '{path}'.";
        }
        var what = command.Command is RootCommand ? "command" : $"{command.Command.Name} kind";
        var suggestion = ClosestName.Find(token, subcommands);
        return $"Unknown {what} '{token}'." + (suggestion is null ? "" : $" Did you mean {suggestion}?") +
            $" {(command.Command is RootCommand ? "Commands" : "Kinds")}: {string.Join(", ", subcommands)}.";
    }

    /// <summary>The options the parsed command accepts: its own and the recursive ones of the commands above it.</summary>
    private static IEnumerable<string> KnownOptions(ParsedCommand command)
    {
        for (SymbolResult? current = command; current is ParsedCommand result; current = result.Parent)
        {
            foreach (var option in result.Command.Options)
            {
                if (current == command || option.Recursive)
                {
                    yield return option.Name;
                    foreach (var alias in option.Aliases.Where(a => a.StartsWith("--", StringComparison.Ordinal)))
                    {
                        yield return alias;
                    }
                }
            }
        }
    }

    /// <summary><c>sieve bench embed</c> for the command that was parsed.</summary>
    public static string CommandPath(ParsedCommand command)
    {
        var names = new List<string>();
        for (SymbolResult? current = command; current is ParsedCommand result && result.Command is not RootCommand; current = result.Parent)
        {
            names.Insert(0, result.Command.Name);
        }
        return string.Join(' ', ["sieve", .. names]);
    }
}
