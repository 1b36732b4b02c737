using Sieve.Host.Slots;

namespace Sieve.Host.Operators;

/// <summary>One registered implementation of a slot, e.g. <c>attention/block-sparse</c> from plugin <c>attention</c>.</summary>
internal sealed record OperatorImplementation(
    SlotDescriptor Slot,
    string Name,
    Type OptionsType,
    string Origin,
    Func<object, IServiceProvider, object> Create)
{
    public string FullName => $"{Slot.Name}/{Name}";

    /// <summary>E.g. <c>attention/dense (built-in)</c>.</summary>
    public string Described => $"{FullName} ({Origin})";
}
