using Sieve.Abstractions;
using Sieve.Host.Operators.SparseIndex;

namespace Sieve.Host.Slots;

/// <summary><c>sparse-index</c>: builds and searches indexes of sparse vectors. Reference <c>sparse-index/exact</c>.</summary>
internal sealed class SparseIndexSlot : SlotDescriptor<ISparseIndex>
{
    public override string Name => "sparse-index";

    public override SlotPlacement Placement => SlotPlacement.AroundGraph;

    public override string Reference => ExactSparseIndex.Name;

    public override void AddBuiltIns(IOperatorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add<ISparseIndex, NoOptions>(ExactSparseIndex.Name, (_, _) => new ExactSparseIndex());
    }
}
