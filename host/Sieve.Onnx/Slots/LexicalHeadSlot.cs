using Sieve.Abstractions;
using Sieve.Host.Operators.LexicalHead;
using Sieve.Kernels.Lexical;

namespace Sieve.Host.Slots;

/// <summary><c>lexical-head</c>: encoder states to sparse vocabulary weights (learned-sparse retrieval). Reference <c>lexical-head/dense</c>.</summary>
internal sealed class LexicalHeadSlot : SlotDescriptor<ILexicalHead>
{
    public override string Name => "lexical-head";

    public override SlotPlacement Placement => SlotPlacement.AroundGraph;

    public override string Reference => DenseLexicalHead.Name;

    public override void AddBuiltIns(IOperatorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add<ILexicalHead, LexicalHeadOptions>(DenseLexicalHead.Name, (options, services) =>
            new DenseLexicalHead(options, services.GetService(typeof(IGpuDevice)) as IGpuDevice));
    }
}
