using Sieve.Abstractions;

namespace Sieve.Host.Slots;

/// <summary>A descriptor typed by its contract: its pass receives the implementation as <typeparamref name="TSlot"/>.</summary>
internal abstract class SlotDescriptor<TSlot> : SlotDescriptor where TSlot : class
{
    public sealed override Type Contract => typeof(TSlot);

    protected sealed override IGraphPass? CreateHostPass(object implementation, string fullName, IServiceProvider services) =>
        CreateHostPass((TSlot)implementation, fullName, services);

    /// <inheritdoc cref="SlotDescriptor.CreateHostPass(object, string, IServiceProvider)"/>
    protected virtual IGraphPass? CreateHostPass(TSlot implementation, string fullName, IServiceProvider services) => null;
}
