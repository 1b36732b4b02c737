using Sieve.Host.Operators;
using Sieve.Host.Plugins;
using Sieve.Host.Slots;

namespace Sieve.Host.Pipelines;

/// <summary>
/// The operators of one job, typed by slot: what configuration chose for the slots its pipeline uses, and the slot's
/// built-in reference for an around-graph slot left unchosen. In-graph slots left unchosen run the model's own graph.
/// </summary>
internal sealed class JobOperators(IReadOnlyList<BoundOperator> chosen, PluginCatalog plugins, IServiceProvider services)
{
    /// <summary>The chosen implementations (model loading applies the in-graph ones).</summary>
    public IReadOnlyList<BoundOperator> Chosen => chosen;

    /// <summary>A new instance of the implementation filling <typeparamref name="TSlot"/>, owned by the caller.</summary>
    /// <exception cref="SieveException">The slot is unchosen and has no built-in reference registered.</exception>
    public TSlot Create<TSlot>() where TSlot : class => Binding<TSlot>().Create<TSlot>(services);

    /// <summary>The implementation filling <typeparamref name="TSlot"/>, as summaries name it (<c>kv-cache/dense</c>).</summary>
    public string Describe<TSlot>() where TSlot : class => Binding<TSlot>().ToString();

    private BoundOperator Binding<TSlot>() where TSlot : class
    {
        var slot = SlotCatalog.Of<TSlot>();
        return chosen.FirstOrDefault(c => c.Slot == slot)
            ?? (plugins.Operators.Find(slot.Name, slot.Reference) is { } reference ? new BoundOperator(reference, Activator.CreateInstance(reference.OptionsType)!)
                : throw new SieveException($"The {slot.Name} slot is not filled and its reference {slot.Name}/{slot.Reference} is not registered: " +
                    $"set Sieve:Operators:{slot.Name}:Use (see `sieve plugins`)."));
    }
}
