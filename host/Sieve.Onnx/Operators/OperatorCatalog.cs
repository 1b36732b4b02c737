namespace Sieve.Host.Operators;

/// <summary>Every operator implementation the host knows: built in, and from accepted plugins.</summary>
internal sealed class OperatorCatalog
{
    private readonly List<OperatorImplementation> _implementations = [];

    public IReadOnlyList<OperatorImplementation> Implementations => _implementations;

    public OperatorImplementation? Find(string slot, string name) => _implementations.FirstOrDefault(i =>
        string.Equals(i.Slot.Name, slot, StringComparison.OrdinalIgnoreCase) && string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase));

    public IEnumerable<string> NamesFor(string slot) => _implementations
        .Where(i => string.Equals(i.Slot.Name, slot, StringComparison.OrdinalIgnoreCase))
        .Select(i => i.Name)
        .Order(StringComparer.Ordinal);

    /// <summary>The first implementation already in the catalog that clashes with one of <paramref name="candidates"/>.</summary>
    public OperatorImplementation? FindClash(IEnumerable<OperatorImplementation> candidates) =>
        candidates.Select(c => Find(c.Slot.Name, c.Name)).FirstOrDefault(existing => existing is not null);

    public void AddRange(IEnumerable<OperatorImplementation> implementations) => _implementations.AddRange(implementations);
}
