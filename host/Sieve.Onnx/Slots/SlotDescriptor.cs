using Sieve.Abstractions;

namespace Sieve.Host.Slots;

/// <summary>
/// Everything the host knows about one operator slot: its name in configuration, its contract interface, where it
/// runs, its built-in reference implementation and, for slots inside the graph, its graph pass. One class per slot,
/// found by reflection (<see cref="SlotCatalog"/>): adding a slot adds one descriptor and edits no list.
/// </summary>
internal abstract class SlotDescriptor
{
    /// <summary>The slot's name, as in <c>Sieve:Operators:&lt;name&gt;</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The contract interface implementations provide.</summary>
    public abstract Type Contract { get; }

    /// <summary>Inside the graph or around it.</summary>
    public abstract SlotPlacement Placement { get; }

    /// <summary>For in-graph slots, the order in which passes run (lower first; see docs/architecture.md).</summary>
    public virtual int PassOrder => 0;

    /// <summary>What the slot's pass replaces, in messages (<c>no {Target} in the model can be replaced</c>).</summary>
    public virtual string Target => Name;

    /// <summary>The name of the built-in reference implementation (<c>dense</c>, <c>exact</c> ...).</summary>
    public abstract string Reference { get; }

    /// <summary>Adds the built-in reference implementation (and any other built-in one) under this slot.</summary>
    public abstract void AddBuiltIns(IOperatorRegistry registry);

    /// <summary>
    /// The graph pass for one model load with <paramref name="implementation"/>: the implementation's own when it is an
    /// <see cref="IGraphPassProvider"/>, else the host's pass for the slot.
    /// </summary>
    /// <exception cref="InvalidOperationException">The slot runs around the graph, or has no host pass and the implementation brings none.</exception>
    public IGraphPass CreatePass(object implementation, string fullName, GraphPassContext context, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(implementation);
        if (implementation is IGraphPassProvider provider)
        {
            return provider.CreateGraphPass(context);
        }
        return CreateHostPass(implementation, fullName, services)
            ?? throw new InvalidOperationException($"{fullName}: slot {Name} has no host graph pass and the implementation brings none (IGraphPassProvider).");
    }

    /// <summary>The host's own pass for an implementation of this slot, or null when it has none.</summary>
    protected virtual IGraphPass? CreateHostPass(object implementation, string fullName, IServiceProvider services) => null;
}
