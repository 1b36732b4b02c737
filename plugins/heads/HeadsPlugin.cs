using Sieve.Abstractions;
using Sieve.Kernels.Lexical;
using Sieve.Plugins.Heads.LmHead;

[assembly: SieveContractVersion(SieveContract.Major, SieveContract.Minor)]

namespace Sieve.Plugins.Heads;

/// <summary>
/// The heads plugin: registers <c>lexical-head/fused</c> and <c>lm-head/clustered</c>. The references,
/// <c>lexical-head/dense</c> and <c>lm-head/dense</c>, are built into the host; the lexical heads share the packing, the
/// micro-kernel, the selection and the GPU kernels of Sieve.Kernels (kernels/Lexical).
/// </summary>
public sealed class HeadsPlugin : ISievePlugin
{
    public string Name => "heads";

    public void Register(IOperatorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add<ILexicalHead, LexicalHeadOptions>(FusedLexicalHead.Name, (options, services) =>
            new FusedLexicalHead(options, services.GetService(typeof(IGpuDevice)) as IGpuDevice));
        registry.Add<ILmHead, ClusteredLmHeadOptions>(ClusteredLmHead.Name, (options, _) => new ClusteredLmHead(options));
    }
}
