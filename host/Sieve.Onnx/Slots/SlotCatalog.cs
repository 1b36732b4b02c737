namespace Sieve.Host.Slots;

/// <summary>The slots of this host: one instance of every <see cref="SlotDescriptor"/> in the assembly, by name.</summary>
internal static class SlotCatalog
{
    public static IReadOnlyList<SlotDescriptor> All { get; } = typeof(SlotDescriptor).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && t.IsSubclassOf(typeof(SlotDescriptor)))
        .Select(t => (SlotDescriptor)Activator.CreateInstance(t)!)
        .OrderBy(d => d.Placement).ThenBy(d => d.PassOrder).ThenBy(d => d.Name, StringComparer.Ordinal)
        .ToList();

    public static IEnumerable<string> Names => All.Select(d => d.Name).Order(StringComparer.Ordinal);

    /// <summary>The slot named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static SlotDescriptor? Find(string name) => All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The slot whose contract is <paramref name="contract"/>, or null.</summary>
    public static SlotDescriptor? Of(Type contract) => All.FirstOrDefault(d => d.Contract == contract);

    /// <summary>The slot whose contract is <typeparamref name="TSlot"/>.</summary>
    /// <exception cref="ArgumentException">No slot has that contract.</exception>
    public static SlotDescriptor Of<TSlot>() => Of(typeof(TSlot)) ?? throw new ArgumentException($"{typeof(TSlot).Name} is not the contract of a slot.");
}
