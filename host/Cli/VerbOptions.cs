using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Sieve.Host.Cli;

/// <summary>
/// Makes the typed options verbs declare. Each verb creates its own instances, so a flag exists only where it is read,
/// and the default written here is the one the verb uses and the one its help shows.
/// </summary>
internal static class VerbOptions
{
    /// <summary>A positive integer; <paramref name="fallback"/> when absent.</summary>
    public static Option<int> PositiveInt(string name, int fallback, string description) => new(name)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => fallback,
        CustomParser = result => ParsePositive(result, name) ?? fallback,
    };

    /// <summary>A positive integer, or null when absent (the verb then takes it from the configuration).</summary>
    public static Option<int?> OptionalPositiveInt(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "N",
        CustomParser = result => ParsePositive(result, name),
    };

    /// <summary>Comma-separated positive integers (<c>512,2048</c>); <paramref name="fallback"/> when absent (empty: the verb's choice).</summary>
    /// <remarks>Empty rather than null for "not given": System.CommandLine turns a null list default into an empty one.</remarks>
    public static Option<List<int>> PositiveIntList(string name, List<int> fallback, string description) => new(name)
        {
            Description = description,
            HelpName = "N[,N...]",
            CustomParser = result =>
            {
                if (result.Tokens.Count == 0)
                {
                    return fallback;
                }
                var text = result.Tokens[^1].Value;
                var values = new List<int>();
                foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
                {
                    if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
                    {
                        result.AddError($"Option {name} expects comma-separated positive integers, got '{text}'.");
                        return fallback;
                    }
                    values.Add(value);
                }
                return values;
            },
            DefaultValueFactory = _ => fallback,
        };

    /// <summary>Comma-separated numbers (<c>0.25,0.5</c>); <paramref name="fallback"/> when absent.</summary>
    public static Option<List<double>> NumberList(string name, List<double> fallback, string description) => new(name)
    {
        Description = description,
        HelpName = "X[,X...]",
        DefaultValueFactory = _ => fallback,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return fallback;
            }
            var text = result.Tokens[^1].Value;
            var values = new List<double>();
            foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
            {
                if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    result.AddError($"Option {name} expects comma-separated numbers, got '{text}'.");
                    return fallback;
                }
                values.Add(value);
            }
            return values;
        },
    };

    /// <summary>A number (<c>0.25</c>); <paramref name="fallback"/> when absent.</summary>
    public static Option<double> Number(string name, double fallback, string description) => new(name)
    {
        Description = description,
        HelpName = "X",
        DefaultValueFactory = _ => fallback,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return fallback;
            }
            var text = result.Tokens[^1].Value;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
            result.AddError($"Option {name} expects a number, got '{text}'.");
            return fallback;
        },
    };

    /// <summary>Comma-separated names (<c>model,dense</c>); <paramref name="fallback"/> when absent (empty: the verb's choice).</summary>
    public static Option<string[]> NameList(string name, string[] fallback, string description) => new(name)
    {
        Description = description,
        HelpName = "NAME[,NAME...]",
        CustomParser = result => result.Tokens.Count == 0
            ? fallback
            : result.Tokens[^1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        DefaultValueFactory = _ => fallback,
    };

    /// <summary>A text value; <paramref name="fallback"/> when absent.</summary>
    public static Option<string?> Text(string name, string helpName, string? fallback, string description, params string[] allowed)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = helpName };
        if (fallback is not null)
        {
            option.DefaultValueFactory = _ => fallback;
        }
        if (allowed.Length > 0)
        {
            option.AcceptOnlyFromAmong(allowed);
        }
        return option;
    }

    /// <summary>A switch that takes no value.</summary>
    public static Option<bool> Switch(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.Zero };

    private static int? ParsePositive(ArgumentResult result, string name)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }
        var text = result.Tokens[^1].Value;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
        {
            return value;
        }
        result.AddError($"Option {name} expects a positive integer, got '{text}'.");
        return null;
    }
}
