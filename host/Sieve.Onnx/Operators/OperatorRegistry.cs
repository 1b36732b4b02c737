using Sieve.Abstractions;
using Sieve.Host.Slots;

namespace Sieve.Host.Operators;

/// <summary>Collects what one plugin (or the host's built-ins) registers; the catalog takes it all or nothing.</summary>
internal sealed class OperatorRegistry(string origin) : IOperatorRegistry
{
    private readonly List<OperatorImplementation> _added = [];

    public IReadOnlyList<OperatorImplementation> Added => _added;

    public void Add<TSlot, TOptions>(string name, Func<TOptions, IServiceProvider, TSlot> create)
        where TSlot : class
        where TOptions : class, new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(create);
        #pragma warning disable CA2263 // Of(Type) returns null for a type that is no slot; Of<T>() throws.
        var slot = SlotCatalog.Of(typeof(TSlot))
#pragma warning restore CA2263
            ?? throw new ArgumentException($"{typeof(TSlot).FullName} is not the contract of a slot of this host (slots: {string.Join(", ", SlotCatalog.Names)}).");
        if (_added.Any(i => i.Slot == slot && string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"{slot.Name}/{name} is registered twice.");
        }
        _added.Add(new OperatorImplementation(slot, name, typeof(TOptions), origin, (options, services) => create((TOptions)options, services)));
    }

    /// <summary>The built-in implementations of every slot (its reference first), registered before any plugin.</summary>
    public static IReadOnlyList<OperatorImplementation> BuiltIns()
    {
        var registry = new OperatorRegistry(BuiltInOrigin);
        foreach (var slot in SlotCatalog.All)
        {
            slot.AddBuiltIns(registry);
        }
        return registry.Added;
    }

    public const string BuiltInOrigin = "built-in";
}
