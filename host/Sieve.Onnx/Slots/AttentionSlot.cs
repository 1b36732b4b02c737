using Sieve.Abstractions;
using Sieve.Host.Onnx.Passes.Attention;

namespace Sieve.Host.Slots;

/// <summary>
/// <c>attention</c>: scaled dot-product attention inside the model. Reference <c>attention/dense</c>; the pass
/// (<see cref="AttentionPass"/>) replaces every attention the finder recognises. Runs first: later passes see the
/// rewritten graph.
/// </summary>
internal sealed class AttentionSlot : SlotDescriptor<IAttention>
{
    public override string Name => "attention";

    public override SlotPlacement Placement => SlotPlacement.InGraph;

    public override int PassOrder => 10;

    public override string Reference => DenseAttention.Name;

    public override void AddBuiltIns(IOperatorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add<IAttention, DenseAttentionOptions>(DenseAttention.Name, (options, services) =>
            new DenseAttention(options, services.GetService(typeof(IGpuDevice)) as IGpuDevice));
    }

    protected override IGraphPass CreateHostPass(IAttention implementation, string fullName, IServiceProvider services) =>
        new AttentionPass(implementation, fullName, services.GetService(typeof(IGpuDevice)) as IGpuDevice);
}
