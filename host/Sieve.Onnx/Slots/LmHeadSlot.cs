using Sieve.Abstractions;
using Sieve.Host.Operators.LmHead;

namespace Sieve.Host.Slots;

/// <summary>
/// <c>lm-head</c>: the candidate tokens and logits of each decode step, called by <c>generate</c> between model runs.
/// Reference <c>lm-head/dense</c> (the model's own logits). An implementation that reads the hidden state has the model
/// loaded without its output projection (<see cref="Onnx.Passes.LmHead.OutputProjectionCut"/>).
/// </summary>
internal sealed class LmHeadSlot : SlotDescriptor<ILmHead>
{
    public override string Name => "lm-head";

    public override SlotPlacement Placement => SlotPlacement.AroundGraph;

    public override string Reference => DenseLmHead.Name;

    public override void AddBuiltIns(IOperatorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add<ILmHead, NoOptions>(DenseLmHead.Name, (_, _) => new DenseLmHead());
    }
}
