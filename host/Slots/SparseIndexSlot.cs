using Sieve.Abstractions;

namespace Sieve.Host.Slots;

/// <summary><c>sparse-index</c>: builds and searches indexes of sparse vectors. Reference <c>sparse-index/exact</c>.</summary>
internal sealed class SparseIndexSlot : SlotDescriptor<ISparseIndex>
{
    public override string Name => "sparse-index";

    public override SlotPlacement Placement => SlotPlacement.AroundGraph;

    public override string Reference => "exact";

    public override void AddBuiltIns(IOperatorRegistry registry)
    {
    }
}
