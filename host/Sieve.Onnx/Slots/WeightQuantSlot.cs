using Sieve.Abstractions;
using Sieve.Host.Onnx.Passes.WeightQuant;

namespace Sieve.Host.Slots;

/// <summary>
/// <c>weight-quant</c>: constant MatMul weights compressed, multiplied by the implementation. Reference
/// <c>weight-quant/dense</c> (float32, exact); the host's pass (<see cref="WeightMatMulPass"/>) runs late (order 20), after
/// the passes that take over whole subgraphs. Implementations may bring their own pass.
/// </summary>
internal sealed class WeightQuantSlot : SlotDescriptor<IWeightQuantizer>
{
    public override string Name => "weight-quant";

    public override SlotPlacement Placement => SlotPlacement.InGraph;

    public override int PassOrder => 20;

    public override string Target => "constant-weight MatMul";

    public override string Reference => DenseWeightQuantizer.Name;

    public override void AddBuiltIns(IOperatorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add<IWeightQuantizer, NoOptions>(DenseWeightQuantizer.Name, (_, _) => new DenseWeightQuantizer());
    }

    protected override IGraphPass CreateHostPass(IWeightQuantizer implementation, string fullName, IServiceProvider services) =>
        new WeightMatMulPass(implementation, fullName);
}
