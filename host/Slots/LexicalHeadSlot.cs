using Sieve.Abstractions;

namespace Sieve.Host.Slots;

/// <summary><c>lexical-head</c>: encoder states to sparse vocabulary weights (learned-sparse retrieval). Reference <c>lexical-head/dense</c>.</summary>
internal sealed class LexicalHeadSlot : SlotDescriptor<ILexicalHead>
{
    public override string Name => "lexical-head";

    public override SlotPlacement Placement => SlotPlacement.AroundGraph;

    public override string Reference => "dense";

    public override void AddBuiltIns(IOperatorRegistry registry)
    {
    }
}
