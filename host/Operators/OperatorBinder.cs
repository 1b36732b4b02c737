using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Sieve.Host.Plugins;

namespace Sieve.Host.Operators;

/// <summary>
/// Turns the configuration's operator selections (<c>Sieve:Operators</c>, overridden per job by
/// <c>Sieve:Jobs:&lt;i&gt;:Operators</c>) into checked choices: the slot exists, the implementation exists, and its
/// options bind and validate. Every failure names the full key.
/// </summary>
internal sealed class OperatorBinder(IConfiguration configuration, PluginCatalog plugins)
{
    /// <summary>The selections in force for job <paramref name="jobIndex"/> (or globally when null), checked.</summary>
    /// <exception cref="SieveException">A slot, implementation or option is wrong.</exception>
    public IReadOnlyList<BoundOperator> Bind(int? jobIndex)
    {
        var errors = new List<string>();
        var bound = Collect(jobIndex, errors);
        return errors.Count == 0 ? bound : throw new SieveException(string.Join(Environment.NewLine, errors));
    }

    /// <summary>Binds one implementation outside any configuration file (benchmarks, evaluations), with options as key/value text.</summary>
    /// <exception cref="SieveException">The implementation is unknown or an option is invalid.</exception>
    public static BoundOperator Standalone(PluginCatalog plugins, string slot, string use, IReadOnlyDictionary<string, string> options)
    {
        var settings = new Dictionary<string, string?> { [$"Sieve:Operators:{slot}:Use"] = use };
        foreach (var (name, value) in options)
        {
            settings[$"Sieve:Operators:{slot}:Options:{name}"] = value;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new OperatorBinder(configuration, plugins).Bind(null).Single();
    }

    /// <summary>Every error of the global selections and of each job's, for validation at start.</summary>
    public IEnumerable<string> Check(int jobCount)
    {
        var errors = new List<string>();
        Collect(null, errors);
        for (var i = 0; i < jobCount; i++)
        {
            Collect(i, errors);
        }
        return errors.Distinct(StringComparer.Ordinal);
    }

    private List<BoundOperator> Collect(int? jobIndex, List<string> errors)
    {
        var chosen = new Dictionary<string, IConfigurationSection>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in configuration.GetSection("Sieve:Operators").GetChildren())
        {
            chosen[section.Key] = section;
        }
        if (jobIndex is int job)
        {
            foreach (var section in configuration.GetSection($"Sieve:Jobs:{job}:Operators").GetChildren())
            {
                chosen[section.Key] = section;
            }
        }
        var bound = new List<BoundOperator>();
        foreach (var section in chosen.Values.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var operatorChoice = BindOne(section, errors);
            if (operatorChoice is not null)
            {
                bound.Add(operatorChoice);
            }
        }
        return bound;
    }

    private BoundOperator? BindOne(IConfigurationSection section, List<string> errors)
    {
        if (!OperatorSlotTypes.TryGet(section.Key, out _))
        {
            errors.Add($"{section.Path} names an unknown operator slot '{section.Key}'. Slots: {string.Join(", ", OperatorSlotTypes.Names)}.");
            return null;
        }
        var use = section["Use"];
        if (string.IsNullOrWhiteSpace(use))
        {
            return null;
        }
        var implementation = plugins.Operators.Find(section.Key, use);
        if (implementation is null)
        {
            var available = plugins.Operators.NamesFor(section.Key).ToList();
            errors.Add($"{section.Path}:Use = '{use}' is not an implementation of slot '{section.Key}'. Available: " +
                (available.Count == 0 ? $"none (no plugin in {plugins.PluginsPath} registers one; see `sieve plugins`)" : string.Join(", ", available)) + ".");
            return null;
        }
        var optionsSection = section.GetSection("Options");
        var options = Activator.CreateInstance(implementation.OptionsType)!;
        try
        {
            optionsSection.Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException bindError)
        {
            errors.Add($"{optionsSection.Path}: {bindError.Message}");
            return null;
        }
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            foreach (var result in results)
            {
                var members = result.MemberNames.ToList();
                var key = members.Count == 0 ? optionsSection.Path : string.Join(", ", members.Select(m => $"{optionsSection.Path}:{m}"));
                var value = members.Count == 1 ? $" = '{optionsSection[members[0]] ?? "(default)"}'" : "";
                errors.Add($"{key}{value} is invalid: {result.ErrorMessage}");
            }
            return null;
        }
        return new BoundOperator(implementation, options, Global: section.Path.StartsWith("Sieve:Operators:", StringComparison.OrdinalIgnoreCase));
    }
}
