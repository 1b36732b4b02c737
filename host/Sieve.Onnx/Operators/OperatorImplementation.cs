using Sieve.Host.Slots;

namespace Sieve.Host.Operators;

/// <summary>One registered implementation of a slot, e.g. <c>kv-cache/dense</c> (built in) or one from a plugin.</summary>
internal sealed record OperatorImplementation(
    SlotDescriptor Slot,
    string Name,
    Type OptionsType,
    string Origin,
    Func<object, IServiceProvider, object> Create)
{
    public string FullName => $"{Slot.Name}/{Name}";

    /// <summary>E.g. <c>kv-cache/dense (built-in)</c>.</summary>
    public string Described => $"{FullName} ({Origin})";
}
