using System.Reflection;
using Sieve.Abstractions;

namespace Sieve.Host.Operators;

/// <summary>The slot interfaces of the contract, found once by their <see cref="OperatorSlotAttribute"/>.</summary>
internal static class OperatorSlotTypes
{
    private static readonly Dictionary<string, Type> BySlot = typeof(ISievePlugin).Assembly.GetExportedTypes()
        .Where(t => t.IsInterface && t.GetCustomAttribute<OperatorSlotAttribute>() is not null)
        .ToDictionary(t => t.GetCustomAttribute<OperatorSlotAttribute>()!.Name, StringComparer.OrdinalIgnoreCase);

    public static IEnumerable<string> Names => BySlot.Keys.Order(StringComparer.Ordinal);

    public static bool TryGet(string slot, out Type type) => BySlot.TryGetValue(slot, out type!);

    /// <summary>The slot name of a slot interface.</summary>
    /// <exception cref="ArgumentException">The type is not a slot interface.</exception>
    public static string SlotOf(Type slotType) =>
        slotType.GetCustomAttribute<OperatorSlotAttribute>()?.Name
        ?? throw new ArgumentException($"{slotType.FullName} is not an operator slot: it lacks [OperatorSlot].", nameof(slotType));
}
