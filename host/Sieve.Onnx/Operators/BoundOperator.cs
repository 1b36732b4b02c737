using Sieve.Abstractions;
using Sieve.Host.Slots;

namespace Sieve.Host.Operators;

/// <summary>
/// An implementation chosen by configuration, with its options bound and validated once; <paramref name="Global"/> when
/// it comes from <c>Sieve:Operators</c> (for every job whose pipeline uses the slot) rather than from one job's own.
/// </summary>
internal sealed record BoundOperator(OperatorImplementation Implementation, object Options, bool Global = false)
{
    public SlotDescriptor Slot => Implementation.Slot;

    /// <summary>Creates an instance of the implementation, owned by the caller.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="TSlot"/> is not the contract of this operator's slot.</exception>
    public TSlot Create<TSlot>(IServiceProvider services) where TSlot : class =>
        Slot.Contract == typeof(TSlot)
            ? (TSlot)Implementation.Create(Options, services)
            : throw new InvalidOperationException($"{this} fills slot {Slot.Name} ({Slot.Contract.Name}), not {typeof(TSlot).Name}.");

    /// <summary>Creates an instance as the slot's contract type, for code that handles every slot alike (graph passes).</summary>
    public object CreateUntyped(IServiceProvider services) => Implementation.Create(Options, services);

    /// <summary>
    /// For an in-graph slot: creates the implementation and its graph pass (the implementation's own, else the slot's host
    /// pass) for one model load on <paramref name="device"/>; both go to <paramref name="owned"/>, disposed with the session.
    /// </summary>
    public (IGraphPass Pass, GraphPassContext Context) CreatePass(DeviceKind device, IServiceProvider services, List<object> owned)
    {
        ArgumentNullException.ThrowIfNull(owned);
        var implementation = CreateUntyped(services);
        owned.Add(implementation);
        var context = new GraphPassContext(device, Implementation.FullName);
        var pass = Slot.CreatePass(implementation, Implementation.FullName, context, services);
        owned.Add(pass);
        return (pass, context);
    }

    public override string ToString() => Implementation.FullName;
}
