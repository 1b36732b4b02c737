using Sieve.Abstractions;
using Sieve.Kernels.Lexical;

[assembly: SieveContractVersion(SieveContract.Major, SieveContract.Minor)]

namespace Sieve.Plugins.Heads;

/// <summary>
/// The heads plugin: registers <c>lexical-head/fused</c>. The reference, <c>lexical-head/dense</c>, is built into the
/// host; both share the packing, the micro-kernel, the selection and the GPU kernels of Sieve.Kernels (kernels/Lexical).
/// </summary>
public sealed class HeadsPlugin : ISievePlugin
{
    public string Name => "heads";

    public void Register(IOperatorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add<ILexicalHead, LexicalHeadOptions>(FusedLexicalHead.Name, (options, services) =>
            new FusedLexicalHead(options, services.GetService(typeof(IGpuDevice)) as IGpuDevice));
    }
}
