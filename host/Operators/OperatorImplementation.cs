namespace Sieve.Host.Operators;

/// <summary>One registered implementation of a slot, e.g. <c>attention/block-sparse</c> from plugin <c>attention</c>.</summary>
internal sealed record OperatorImplementation(
    string Slot,
    string Name,
    Type SlotType,
    Type OptionsType,
    string Origin,
    Func<object, IServiceProvider, object> Create)
{
    public string FullName => $"{Slot}/{Name}";
}
