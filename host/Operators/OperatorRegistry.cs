using Sieve.Abstractions;

namespace Sieve.Host.Operators;

/// <summary>Collects what one plugin registers; the catalog takes it all or nothing.</summary>
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
        var slot = OperatorSlotTypes.SlotOf(typeof(TSlot));
        if (_added.Any(i => i.Slot == slot && string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"{slot}/{name} is registered twice.");
        }
        _added.Add(new OperatorImplementation(slot, name, typeof(TSlot), typeof(TOptions), origin,
            (options, services) => create((TOptions)options, services)));
    }
}
