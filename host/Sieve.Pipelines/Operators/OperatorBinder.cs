using System.ComponentModel.DataAnnotations;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Sieve.Host.Configuration;
using Sieve.Host.Plugins;
using Sieve.Host.Slots;

namespace Sieve.Host.Operators;

/// <summary>
/// Turns the bound <see cref="SieveOptions.Operators"/> (overridden per job by <see cref="JobOptions.Operators"/>) into
/// checked choices: the slot exists, the implementation exists, and its options bind into the implementation's options
/// type and validate. Done once per options instance (validation at start and the jobs share the result); every failure
/// names the full key.
/// </summary>
internal sealed class OperatorBinder(PluginCatalog plugins)
{
    private readonly ConditionalWeakTable<SieveOptions, OperatorChoices> _bound = [];

    /// <summary>The plugins (and built-ins) whose implementations are bound.</summary>
    public PluginCatalog Plugins => plugins;

    /// <summary>The choices of <paramref name="options"/>: global, per job, and every error; bound on first use.</summary>
    public OperatorChoices Bind(SieveOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return _bound.GetValue(options, BindAll);
    }

    /// <summary>Binds one implementation outside any configuration file (benchmarks, evaluations), with options as key/value text.</summary>
    /// <exception cref="SieveException">The implementation is unknown or an option is invalid.</exception>
    public static BoundOperator Standalone(PluginCatalog plugins, string slot, string use, IReadOnlyDictionary<string, string> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = $"Sieve:Operators:{slot}";
        var settings = options.ToDictionary(o => $"{key}:Options:{o.Key}", o => (string?)o.Value);
        var section = new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection($"{key}:Options");
        var errors = new List<string>();
        var bound = new OperatorBinder(plugins).BindOne(key, slot, new OperatorSelection { Use = use, Options = section }, global: true, errors);
        return errors.Count == 0 && bound is not null ? bound : throw new SieveException(string.Join(Environment.NewLine, errors));
    }

    /// <summary>Binds one implementation of the slot whose contract is <typeparamref name="TSlot"/> (benchmarks, evaluations).</summary>
    /// <exception cref="SieveException">The implementation is unknown or an option is invalid.</exception>
    public static BoundOperator Standalone<TSlot>(PluginCatalog plugins, string use, IReadOnlyDictionary<string, string>? options = null) where TSlot : class =>
        Standalone(plugins, SlotCatalog.Of<TSlot>().Name, use, options ?? new Dictionary<string, string>());

    /// <summary>Whether an implementation named <paramref name="use"/> fills the slot whose contract is <typeparamref name="TSlot"/>.</summary>
    public static bool Has<TSlot>(PluginCatalog plugins, string use) where TSlot : class =>
        plugins.Operators.Find(SlotCatalog.Of<TSlot>().Name, use) is not null;

    private OperatorChoices BindAll(SieveOptions options)
    {
        var errors = new List<string>();
        var global = Collect("Sieve:Operators", options.Operators, global: true, errors);
        var jobs = new List<IReadOnlyList<BoundOperator>>();
        for (var i = 0; i < options.Jobs.Count; i++)
        {
            var own = options.Jobs[i].Operators;
            var chosen = global.Where(g => !own.ContainsKey(g.Slot.Name)).ToList();
            chosen.AddRange(Collect($"Sieve:Jobs:{i}:Operators", own, global: false, errors));
            jobs.Add(chosen);
        }
        return new OperatorChoices(global, jobs, errors);
    }

    private List<BoundOperator> Collect(string key, Dictionary<string, OperatorSelection> selections, bool global, List<string> errors)
    {
        var bound = new List<BoundOperator>();
        foreach (var (slot, selection) in selections.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if (BindOne($"{key}:{slot}", slot, selection, global, errors) is { } choice)
            {
                bound.Add(choice);
            }
        }
        return bound;
    }

    private BoundOperator? BindOne(string key, string slotName, OperatorSelection selection, bool global, List<string> errors)
    {
        if (SlotCatalog.Find(slotName) is null)
        {
            errors.Add($"{key} names an unknown operator slot '{slotName}'. Slots: {string.Join(", ", SlotCatalog.Names)}.");
            return null;
        }
        if (string.IsNullOrWhiteSpace(selection.Use))
        {
            // Empty: the model's own operators (a job's empty Use turns a global choice off for that job).
            return null;
        }
        var implementation = plugins.Operators.Find(slotName, selection.Use);
        if (implementation is null)
        {
            var available = plugins.Operators.NamesFor(slotName).ToList();
            errors.Add($"{key}:Use = '{selection.Use}' is not an implementation of slot '{slotName}'. Available: " +
                (available.Count == 0 ? $"none (no plugin in {plugins.PluginsPath} registers one; see `sieve plugins`)" : string.Join(", ", available)) + ".");
            return null;
        }
        var optionsKey = $"{key}:Options";
        var options = Activator.CreateInstance(implementation.OptionsType)!;
        try
        {
            selection.Options?.Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException bindError)
        {
            errors.Add($"{optionsKey}: {bindError.Message}");
            return null;
        }
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            foreach (var result in results)
            {
                var members = result.MemberNames.ToList();
                var where = members.Count == 0 ? optionsKey : string.Join(", ", members.Select(m => $"{optionsKey}:{m}"));
                var value = members.Count == 1 ? $" = '{selection.Options?[members[0]] ?? "(default)"}'" : "";
                errors.Add($"{where}{value} is invalid: {result.ErrorMessage}");
            }
            return null;
        }
        return new BoundOperator(implementation, options, global);
    }
}
